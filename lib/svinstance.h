/* Templates (issue 21, nitro's shape): a dir NAME@ in the scan dir is a
   template, never supervised itself; a symlink NAME@ARG -> NAME@ beside
   it is an instance, run with ARG as $1 (and $VIGIL_INSTANCE).
   Instances share the template's files but not its state: each has a
   dir of its own, SVINSTANCE_DIR/NAME@ARG in the scan dir, that holds
   its supervise/ (and log/supervise/) and a symlink to each of the
   template's entries. The scanner makes it; svc, svstat, svok and svwait
   find it from the instance's name (svpath_resolve). */
#ifndef VIGIL_SVINSTANCE_H
#define VIGIL_SVINSTANCE_H

#include <stddef.h>

/* A dotdir: the scanner skips it, as every dotdir. */
#define SVINSTANCE_DIR ".instances"
/* What the run gets ARG in, beside $1 (finish keeps runit's arguments). */
#define SVINSTANCE_VAR "VIGIL_INSTANCE"

/* Is NAME a template's: a non-empty NAME, then its first '@', last? */
int svinstance_is_template(char const *name);

/* NAME@ARG, non-empty NAME and ARG, ARG after the first '@': the
   length of "NAME@" (its template's name), or 0 when NAME is no
   instance's name. */
size_t svinstance_template_len(char const *name);

/* The ARG of the dir DIR supervises: its last component, or the one
   before a last "log", when it is an instance's name: *ARG points into
   DIR, and its length is returned (it is not NUL-terminated there);
   0 otherwise. */
size_t svinstance_arg_of_dir(char const *dir, char const **arg);

#endif
