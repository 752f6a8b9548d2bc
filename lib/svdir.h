/* The files a service dir may hold, with the names s6 and runit use, so
   that their service dirs run unchanged. */
#ifndef VIGIL_SVDIR_H
#define VIGIL_SVDIR_H

#include <stddef.h>

#define SVDIR_RUN "run"
#define SVDIR_FINISH "finish"
#define SVDIR_DOWN "down"
#define SVDIR_LOG "log"
#define SVDIR_NOTIFICATION_FD "notification-fd"
#define SVDIR_TIMEOUT_KILL "timeout-kill"
#define SVDIR_TIMEOUT_FINISH "timeout-finish"
#define SVDIR_DOWN_SIGNAL "down-signal"
#define SVDIR_NEEDS "needs"
#define SVDIR_NOTIFY_SOCKET "notify-socket"
#define SVDIR_UP "up"                 /* a oneshot: ./up and no ./run */
#define SVDIR_ONESHOT_DOWN "down"     /* its ./down, when executable (the down file otherwise) */
/* Stops (d, t, k, timeout-kill) reach the run's whole process group. No
   supervision suite names such a file: vigil's own name. */
#define SVDIR_KILL_GROUP "kill-process-group"
#define SVDIR_KILL_CGROUP "kill-cgroup"

enum svdir_read_result {
  SVDIR_ABSENT = 0,    /* no such file: use the default */
  SVDIR_READ = 1,      /* value set */
  SVDIR_INVALID = -1   /* present but unreadable or not a valid value (errno) */
};

/* Open FILE to read, if it is a regular file (symlinks followed, unless
   FLAGS has AT_SYMLINK_NOFOLLOW: then a symlink is ELOOP): -1 otherwise,
   with errno ENOENT (none), EISDIR, EINVAL (a fifo, a socket or a
   device: never opened), or the open's. Bad content to the readers
   below, as a wrong value is. */
int svdir_open_regular(int dirfd, char const *file, int flags);

/* The file's first line, without its newline and surrounding blanks; at
   most size - 1 bytes, or invalid (EINVAL). */
enum svdir_read_result svdir_read_line(int dirfd, char const *file, char *out, size_t size);

/* A file holding one unsigned decimal number (trailing newline allowed). */
enum svdir_read_result svdir_read_uint(int dirfd, char const *file, unsigned int *value);

/* A file holding a signal, by name (TERM, SIGTERM) or number. */
enum svdir_read_result svdir_read_signal(int dirfd, char const *file, int *signal);

/* A file that is on or off: empty (blanks allowed) or 1 is on, 0 is off;
   anything else is invalid (EINVAL). */
enum svdir_read_result svdir_read_flag(int dirfd, char const *file, int *on);

/* Does the file exist (stat follows symlinks)? */
int svdir_exists(int dirfd, char const *file);

/* Is the file an executable regular file (stat follows symlinks)? When
   not, errno says why: ENOENT (none), ENOEXEC (there, but no executable
   file), anything else for a dir that could not be looked into. */
int svdir_executable(int dirfd, char const *file);

/* A oneshot: an executable up and no run (s6-rc's names). */
int svdir_oneshot(int dirfd);

/* Started wanted down: a down file, unless it is a oneshot's executable
   down script (then a oneshot is normally up). */
int svdir_normally_down(int dirfd);

#endif
