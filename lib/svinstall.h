/* Installing a service dir into a live dir: copy it into the dotdir .NAME
   (which the scanner ignores), add log/ from the distro template unless
   the source has a log, then rename .NAME to NAME in one rename(2), so the
   scanner sees all of the service or nothing. Used by svactivate,
   svdeactivate and vigil-populate. */
#ifndef VIGIL_SVINSTALL_H
#define VIGIL_SVINSTALL_H

#include <limits.h>
#include <stddef.h>

#include <skalibs/stralloc.h>

/* The distro's log/run template: every @NAME@ in it becomes the service's name. */
#define SVINSTALL_LOG_TEMPLATE_FILE "log-run"
#define SVINSTALL_NAME_PLACEHOLDER "@NAME@"

/* Why an operation failed, for the caller's one message:
   "unable to VERB OBJECT: REASON" (REASON is strerror(err) when err != 0). */
struct svinstall_error {
  int exitcode;             /* VIGIL_EXIT_USAGE (bad input) or VIGIL_EXIT_SYSTEM */
  int err;                  /* errno, or 0 when reason says why */
  char const *verb;
  char object[PATH_MAX];
  char const *reason;
};

enum svinstall_result {
  SVINSTALL_FAILED,         /* see the error; the live dir is as it was */
  SVINSTALL_INSTALLED,      /* NAME was not active; it is now */
  SVINSTALL_UNCHANGED,      /* NAME is active with the same files: nothing done */
  SVINSTALL_CHANGED         /* NAME is active with other files: nothing done yet */
};

enum svinstall_flag {
  SVINSTALL_SYNC = 1        /* fsync every file and dir before the rename (a disk, not a tmpfs) */
};

struct svinstall_request {
  char const *source;       /* the source service dir (a symlink to one is followed) */
  char const *name;         /* its name in the live dir */
  char const *live;         /* the live dir, for messages */
  int livefd;               /* the live dir, open */
  char const *log_template; /* the template text, and its length */
  size_t log_template_len;
  unsigned int flags;       /* enum svinstall_flag */
};

/* A NAME fit for the live dir: letters, digits and . _ @ + - only (it
   reaches the log/run template's shell text as it is), no leading dot,
   short enough for its dotdirs (.NAME.old). */
int svinstall_name_valid(char const *name);
/* What the refusal says, after the name. */
#define SVINSTALL_NAME_RULE "only letters, digits and . _ @ + - (not first a dot), fewer than 250 bytes"


/* Load the log/run template into out: path if not NULL (it must exist),
   else $VIGIL_LOG_TEMPLATE (must exist), else in a container
   ($VIGIL_ROLE=container) the built-in stdout one (vigil-log -p 'NAME: ' -),
   else $VIGIL_CONFDIR/log-run
   (default /etc/vigil/log-run), else the built-in default when that is
   absent. Returns 0, or -1 with *e filled. */
int svinstall_template_load(stralloc *out, char const *path, struct svinstall_error *e);

/* vigil-init said this is a container ($VIGIL_ROLE=container): the log
   template and what is worth a warning differ there. */
int svinstall_container_role(void);

/* Take an exclusive lock on the live dir (flock on its fd), so that two
   installs into it never interleave. Returns 0, or -1 with errno. */
int svinstall_lock(int livefd);

/* Check the source (an executable run, a valid log). When NAME is not
   active, build .NAME and rename it in: INSTALLED. When it is, only
   compare: UNCHANGED or CHANGED (svinstall_build, then svinstall_swap,
   replace it). Any failure leaves the live dir as it was. */
enum svinstall_result svinstall_activate(struct svinstall_request const *req, struct svinstall_error *e);

/* Build .NAME (removing a leftover one first), complete, but do not rename
   it. Returns 0, or -1 with *e filled and .NAME removed. */
int svinstall_build(struct svinstall_request const *req, struct svinstall_error *e);

/* Replace the active NAME by the built .NAME: NAME to .NAME.old, then
   .NAME to NAME. Returns 0, or -1 with *e filled and NAME back in place. */
int svinstall_swap(struct svinstall_request const *req, struct svinstall_error *e);

/* The dotdir names: ".NAME" (being built) and ".NAME.old" (being removed).
   Return 0, or -1 when the name is too long. */
int svinstall_build_name(char *out, size_t size, char const *name);
int svinstall_old_name(char *out, size_t size, char const *name);

/* rm -rf DIRFD/NAME without following symlinks. Returns 0 (also when it
   is absent), or -1 with errno. */
int svinstall_remove(int dirfd, char const *name);

#endif
