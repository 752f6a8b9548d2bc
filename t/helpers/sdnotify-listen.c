/* sdnotify-listen PATH: a container runtime's side of sd_notify, as podman
   --sdnotify=container has it: binds a datagram socket at PATH and writes
   each datagram received on stdout as one line, at once. Runs until
   killed; 111 on an error. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int fd;
  if (argc != 2 || strlen(argv[1]) >= sizeof addr.sun_path) return 100;
  strcpy(addr.sun_path, argv[1]);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { perror("sdnotify-listen: bind"); return 111; }
  setvbuf(stdout, 0, _IONBF, 0);
  for (;;) {
    char data[4097];
    ssize_t len = recv(fd, data, sizeof data - 1, 0);
    if (len < 0) { perror("sdnotify-listen: recv"); return 111; }
    data[len] = 0;
    printf("%s\n", data);
  }
}
