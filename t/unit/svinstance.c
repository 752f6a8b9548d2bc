/* Unit test of lib/svinstance: which names are templates and instances,
   and the ARG a supervisor's dir gives its run. */
#include <string.h>

#include "svinstance.h"
#include "tap.h"

/* The ARG of DIR as a string ("" when none). */
static char const *arg_of(char const *dir)
{
  static char out[256];
  char const *arg;
  size_t len = svinstance_arg_of_dir(dir, &arg);
  memcpy(out, len ? arg : "", len);
  out[len] = 0;
  return out;
}

int main(void)
{
  ok(svinstance_is_template("getty@"), "getty@ is a template");
  ok(!svinstance_is_template("@"), "@ alone is not (no NAME)");
  ok(!svinstance_is_template("getty@tty1"), "getty@tty1 is not a template");
  ok(!svinstance_is_template("getty"), "getty is not");
  ok(!svinstance_is_template("a@b@"), "a@b@ is not: its first @ is not last");
  is_uint(svinstance_template_len("getty@tty1"), 6, "getty@tty1: its template is getty@");
  is_uint(svinstance_template_len("a@b@c"), 2, "a@b@c: ARG b@c, after the first @");
  is_uint(svinstance_template_len("getty@"), 0, "getty@: no ARG, no instance");
  is_uint(svinstance_template_len("@tty1"), 0, "@tty1: no NAME, no instance");
  is_uint(svinstance_template_len("getty"), 0, "getty: no @");
  is_str(arg_of("getty@tty1"), "tty1", "dir getty@tty1: ARG tty1");
  is_str(arg_of(".instances/getty@ttyS0"), "ttyS0", "dir .instances/getty@ttyS0: ARG ttyS0");
  is_str(arg_of(".instances/getty@ttyS0/log"), "ttyS0", "its log: the same ARG");
  is_str(arg_of("/run/service/.instances/x@a@b/"), "a@b", "trailing slash, ARG with an @");
  is_str(arg_of("getty@"), "", "a template's own dir: no ARG");
  is_str(arg_of("sv/getty"), "", "a plain dir: no ARG");
  is_str(arg_of("sv/getty/log"), "", "a plain dir's log: no ARG");
  is_str(arg_of("a@b/c"), "", "an @ in a parent, not the last component: no ARG");
  is_str(arg_of("log"), "", "log alone: no ARG");
  return done_testing();
}
