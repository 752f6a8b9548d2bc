/* sd_notify: the socket, the sender check, the few keys we act on. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "procstat.h"
#include "supervise-notify.h"
#include "svdir.h"
#include "svpaths.h"
#include "svtext.h"

/* systemd's own bound on a notification is about this; more is not one. */
#define DATAGRAM_MAX 4096
/* Per wakeup: a flood waits in the socket's queue, the loop goes on. */
#define READS_PER_WAKEUP 64
/* How far up the parents a sender may be from the run. */
#define DESCENT_MAX 64

static struct {
  int fd;
  bool path_warned;
  bool env_set;
  unsigned long dropped_size, dropped_sender;
  char const *phase;               /* "stopping", "reloading", or 0 */
} sd;  /* zero, in .bss: its pages are ours only once written */
/* The last STATUS=, on the heap from the first one: a service that never
   says one never makes these 4 KiB its supervisor's. */
static char *sd_status;

void sdnotify_init(void)
{
  sd.fd = -1;
}

static void open_socket(void)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char cwd[sizeof addr.sun_path];
  int on = 1, fd;
  size_t len;
  /* A cwd that does not fit sun_path is too long: ERANGE says so. */
  if (getcwd(cwd, sizeof cwd)) len = strlen(cwd) + sizeof "/" SVPATH_NOTIFY;
  else if (errno == ERANGE) len = sizeof addr.sun_path + 1;
  else return;
  if (len > sizeof addr.sun_path) {
    if (!sd.path_warned) strerr_warnw("ignoring ./", SVDIR_NOTIFY_SOCKET, ": the absolute path of ", SVPATH_NOTIFY, " is too long for a socket's name (108 bytes): no NOTIFY_SOCKET");
    sd.path_warned = true;
    return;
  }
  memcpy(addr.sun_path, cwd, strlen(cwd));
  memcpy(addr.sun_path + strlen(cwd), "/" SVPATH_NOTIFY, sizeof "/" SVPATH_NOTIFY);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    strerr_warnwusys("create the notify socket (no NOTIFY_SOCKET)");
    return;
  }
  unlink(SVPATH_NOTIFY);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) < 0) {
    strerr_warnwusys("bind ", SVPATH_NOTIFY, " (no NOTIFY_SOCKET)");
    close(fd);
    return;
  }
  sd.fd = fd;
  setenv("NOTIFY_SOCKET", addr.sun_path, 1);
  /* A daemon that forks away from ./run (MAINPID=) stays ours: it is
     reparented to us, not the scanner, so that its sender is still placed
     below the service and its exit status comes to us. */
  if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) strerr_warnwusys("become a subreaper (a daemon leaving ./run is not heard)");
}

void sdnotify_before_spawn(void)
{
  if (!svdir_exists(AT_FDCWD, SVDIR_NOTIFY_SOCKET)) return;
  if (sd.fd < 0) open_socket();
  else {
    char cwd[sizeof ((struct sockaddr_un *)0)->sun_path];
    if (getcwd(cwd, sizeof cwd) && strlen(cwd) + sizeof "/" SVPATH_NOTIFY <= sizeof cwd) {
      strcat(cwd, "/" SVPATH_NOTIFY);
      setenv("NOTIFY_SOCKET", cwd, 1);
    }
  }
  sd.env_set = sd.fd >= 0;
}

void sdnotify_after_spawn(void)
{
  if (sd.env_set) unsetenv("NOTIFY_SOCKET");
  sd.env_set = false;
}

int sdnotify_fd(void)
{
  return sd.fd;
}

/* Is pid the run, or below it? Or below us (we are a subreaper): an
   orphan of the run, when it started after the run did (one left by an
   earlier run does not speak for this one). Parents from /proc, a
   bounded walk. A sender already gone by the time its datagram is read
   (sd_notify from a short-lived helper, the common case) cannot be
   placed: it is taken when it had our uid, the only one that reaches
   supervise/ (mode 0700) besides root. */
static bool from_service(pid_t pid, uid_t uid, pid_t run, uint64_t run_start)
{
  pid_t const sender = pid;
  for (unsigned int depth = 0; depth < DESCENT_MAX && pid > 1; depth++) {
    char path[PROCSTAT_PATH_MAX], buf[512], *p;
    ssize_t len;
    int fd, ppid;
    uint64_t start;
    if (pid == run) return true;
    if (pid == getpid())
      return !run_start || (procstat_start_time(sender, &start) == 0 && start >= run_start);
    procstat_path(path, pid, "/stat");
    fd = open(path, O_RDONLY | O_CLOEXEC);
    len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    /* The sender gone, or going (its /proc entry fails ESRCH, or reads
       empty, while it exits): see above. */
    if (len <= 0) return !depth && (!len || errno == ENOENT || errno == ESRCH) && uid == geteuid();
    buf[len] = 0;
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2, "%*c %d", &ppid) != 1) return false;
    pid = ppid;
  }
  return false;
}

/* Said when the count reaches 1, 2, 4, 8...: a flood is told, never spoken. */
static void count_drop(unsigned long *count, char const *why)
{
  char n[ULONG_FMT];
  (*count)++;
  if (*count & (*count - 1)) return;
  n[ulong_fmt(n, *count)] = 0;
  strerr_warnw("notify socket: dropped ", n, " datagrams so far (", why, ")");
}

static void write_status(void)
{
  char text[sizeof "reloading: " + DATAGRAM_MAX];
  char const *status = sd_status ? sd_status : "";
  snprintf(text, sizeof text, "%s%s%s", sd.phase ? sd.phase : "", sd.phase && status[0] ? ": " : "", status);
  svtext_write(SVPATH_NOTIFY_STATUS_NEW, SVPATH_NOTIFY_STATUS, text);
}

/* MAINPID=N: honoured only for a live process below the run, so that no
   service makes its supervisor watch (and signal) a stranger. */
static void main_pid_said(char const *text, pid_t run, uint64_t run_start, pid_t *main_pid)
{
  pid_t pid;
  size_t len = pid0_scan(text, &pid);
  if (len && !text[len] && pid == run) return;
  if (!len || text[len] || pid <= 1 || pid == getpid()) {
    strerr_warnw("notify socket: ignoring MAINPID=", text, ": not a process of the service");
    return;
  }
  /* uid -1: a process gone is no MAINPID. */
  if (!from_service(pid, (uid_t)-1, run, run_start)) {
    strerr_warnw("notify socket: ignoring MAINPID=", text, ": not a process of the service");
    return;
  }
  *main_pid = pid;
}

enum sdnotify_key sdnotify_key(char const *line, char const **value)
{
  static struct { char const *prefix; enum sdnotify_key key; } const keys[] = {
    { "READY=1", SDNOTIFY_READY }, { "STOPPING=1", SDNOTIFY_STOPPING }, { "RELOADING=1", SDNOTIFY_RELOADING },
    { "STATUS=", SDNOTIFY_STATUS }, { "MAINPID=", SDNOTIFY_MAINPID },
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    size_t len = strlen(keys[i].prefix);
    bool whole = keys[i].prefix[len - 1] != '=';
    if (strncmp(line, keys[i].prefix, len) || (whole && line[len])) continue;
    *value = line + len;
    return keys[i].key;
  }
  *value = line;
  return SDNOTIFY_OTHER;
}

bool sdnotify_read(pid_t run, uint64_t run_start, bool all, pid_t *main_pid)
{
  bool ready = false, changed = false;
  for (unsigned int i = 0; all || i < READS_PER_WAKEUP; i++) {
    char data[DATAGRAM_MAX + 1];
    union { struct cmsghdr align; char bytes[CMSG_SPACE(sizeof(struct ucred))]; } control;
    struct iovec iov = { data, sizeof data - 1 };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.bytes, .msg_controllen = sizeof control.bytes };
    struct ucred const *cred = 0;
    ssize_t len = recvmsg(sd.fd, &msg, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
    if (len < 0) {
      if (errno != EAGAIN && errno != EINTR) strerr_warnwusys("read the notify socket");
      break;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) cred = (struct ucred const *)CMSG_DATA(c);
      /* Descriptors passed along (FDSTORE) are not kept: closed at once. */
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        for (int *f = (int *)CMSG_DATA(c); (char *)(f + 1) <= (char *)c + c->cmsg_len; f++) close(*f);
    }
    if ((size_t)len > sizeof data - 1 || msg.msg_flags & MSG_TRUNC) {
      count_drop(&sd.dropped_size, "over 4 KiB");
      continue;
    }
    if (!cred || !run || !from_service(cred->pid, cred->uid, run, run_start)) {
      count_drop(&sd.dropped_sender, "not from the service");
      continue;
    }
    data[len] = 0;
    for (char *line = data, *next; line && *line; line = next) {
      char const *value;
      next = strchr(line, '\n');
      if (next) *next++ = 0;
      switch (sdnotify_key(line, &value)) {
        case SDNOTIFY_READY: ready = true; break;
        case SDNOTIFY_STATUS:
          if (!sd_status) sd_status = malloc(DATAGRAM_MAX + 1);
          if (sd_status) snprintf(sd_status, DATAGRAM_MAX + 1, "%s", value);
          changed = true;
          break;
        case SDNOTIFY_STOPPING: sd.phase = "stopping"; changed = true; break;
        case SDNOTIFY_RELOADING: sd.phase = "reloading"; changed = true; break;
        case SDNOTIFY_MAINPID: main_pid_said(value, run, run_start, main_pid); break;
        /* Anything else (WATCHDOG=, FDSTORE=, ...) is not acted on. */
        case SDNOTIFY_OTHER: break;
      }
    }
    /* READY=1 after RELOADING=1 ends the reload. */
    if (ready && sd.phase && !strcmp(sd.phase, "reloading")) { sd.phase = 0; changed = true; }
  }
  if (changed) write_status();
  return ready;
}

void sdnotify_reset(void)
{
  if (sd_status) sd_status[0] = 0;
  sd.phase = 0;
  unlink(SVPATH_NOTIFY_STATUS);
}
