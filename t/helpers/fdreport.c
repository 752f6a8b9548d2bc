/* fdreport FILE: a test service that writes, to FILE.new then renames it to
   FILE, its open fds ("fds 0 1 2"), its ignored and blocked signal masks
   ("ignored HEX", "blocked HEX" from /proc/self/status) and its session
   ("sid-is-pid 1|0"), then waits for a signal; with FDREPORT_EXIT=1 it
   exits 0 instead (a oneshot's ./up). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
  char tmp[4096], line[256];
  FILE *out, *status;
  DIR *d;
  struct dirent *e;
  if (argc != 2) return 100;
  snprintf(tmp, sizeof tmp, "%s.new", argv[1]);
  out = fopen(tmp, "w");
  if (!out) return 111;
  d = opendir("/proc/self/fd");
  if (!d) return 111;
  fputs("fds", out);
  /* fopen's own fd and opendir's are ours, not inherited: skip them. */
  while ((e = readdir(d))) {
    int fd;
    if (e->d_name[0] == '.') continue;
    fd = atoi(e->d_name);
    if (fd == dirfd(d) || fd == fileno(out)) continue;
    fprintf(out, " %d", fd);
  }
  closedir(d);
  fputc('\n', out);
  status = fopen("/proc/self/status", "r");
  if (!status) return 111;
  while (fgets(line, sizeof line, status)) {
    if (!strncmp(line, "SigIgn:", 7)) fprintf(out, "ignored %s", line + 8);
    if (!strncmp(line, "SigBlk:", 7)) fprintf(out, "blocked %s", line + 8);
  }
  fclose(status);
  fprintf(out, "sid-is-pid %d\n", getsid(0) == getpid());
  fclose(out);
  rename(tmp, argv[1]);
  if (getenv("FDREPORT_EXIT") && !strcmp(getenv("FDREPORT_EXIT"), "1")) return 0;
  pause();
  return 0;
}
