/* runstat FILE CMD...: runs CMD, writes "pid N" to FILE as it starts, and
   when it ends "exit CODE cpu_ms MS": CMD's own CPU time (user + system),
   read from /proc while it is a zombie, so its reaped children do not
   count. Exits with CMD's exit code (128 + signal if killed). A test
   measures the scanner's CPU time for a stop this way. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* utime and stime are fields 14 and 15 of /proc/PID/stat. */
static long long cpu_ms(pid_t pid)
{
  char path[64], buf[1024];
  unsigned long long utime, stime;
  char *p;
  ssize_t len;
  int fd;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  len = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (len <= 0) return -1;
  buf[len] = 0;
  p = strrchr(buf, ')');
  if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) return -1;
  return (long long)(utime + stime) * 1000 / sysconf(_SC_CLK_TCK);
}

int main(int argc, char **argv)
{
  FILE *out;
  siginfo_t info;
  int wstat, code;
  long long ms;
  pid_t pid;
  if (argc < 3) {
    fputs("usage: runstat FILE CMD...\n", stderr);
    return 100;
  }
  out = fopen(argv[1], "w");
  if (!out) return 111;
  pid = fork();
  if (pid < 0) return 111;
  if (!pid) {
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  fprintf(out, "pid %d\n", (int)pid);
  fflush(out);
  if (waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0) return 111;
  ms = cpu_ms(pid);
  if (waitpid(pid, &wstat, 0) < 0) return 111;
  code = WIFEXITED(wstat) ? WEXITSTATUS(wstat) : 128 + WTERMSIG(wstat);
  fprintf(out, "exit %d cpu_ms %lld\n", code, ms);
  fclose(out);
  return code;
}
