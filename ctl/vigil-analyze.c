/* vigil-analyze: the last boot as the status files of $SVDIR recorded it:
   what took longest (blame), what the last service waited for
   (critical-chain), a picture (plot, SVG). */
#include <stdlib.h>
#include <string.h>

#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "analyze.h"
#include "exitcode.h"
#include "svdir.h"
#include "svpaths.h"

#define USAGE "vigil-analyze blame | critical-chain [NAME] | plot"

/* critical-chain NAME: NAME has no instants to show (not started, not
   ready, another boot's status...); or no service has any. */
#define EXIT_NO_RECORD 1

char const *PROG = "vigil-analyze";

static void put(char const *s)
{
  buffer_puts(buffer_1, s);
}

static void put_time(uint64_t ns)
{
  char fmt[ANALYZE_TIME_SIZE];
  buffer_put(buffer_1, fmt, analyze_fmt_time(fmt, ns));
}

static void put_name(struct analyze_service const *s)
{
  put(s->name);
  if (s->logger) put("/" SVDIR_LOG);
}

static void put_spaces(size_t n)
{
  while (n--) put(" ");
}

static void *allocate(size_t count, size_t size)
{
  void *p = calloc(count ? count : 1, size);
  if (!p) strerr_diefu1sys(VIGIL_EXIT_SYSTEM, "allocate");
  return p;
}

/* "  1.234s NAME", longest first; then "       - NAME (why)" for the dirs
   with nothing to measure. */
static void blame(struct analyze_boot const *boot)
{
  unsigned int *order = allocate(boot->count, sizeof *order);
  char fmt[ANALYZE_TIME_SIZE];
  size_t column = 1;
  analyze_blame_order(boot, order);
  /* The longest time comes first, and is the widest as text. */
  if (boot->count && boot->service[order[0]].record == ANALYZE_BOOT)
    column = analyze_fmt_time(fmt, boot->service[order[0]].ready_ns - boot->service[order[0]].spawn_ns);
  for (unsigned int k = 0; k < boot->count; k++) {
    struct analyze_service const *s = &boot->service[order[k]];
    if (s->record == ANALYZE_BOOT) {
      size_t len = analyze_fmt_time(fmt, s->ready_ns - s->spawn_ns);
      put_spaces(column - len);
      buffer_put(buffer_1, fmt, len);
      put(" ");
      put_name(s);
    } else {
      put_spaces(column - 1);
      put("- ");
      put_name(s);
      put(" (");
      put(analyze_record_reason(s));
      put(")");
    }
    put("\n");
  }
  free(order);
}

/* NAME or NAME/log, as a slot of the boot; -1 if there is none. */
static int find(struct analyze_boot const *boot, char const *arg)
{
  size_t len = strlen(arg);
  bool logger = len > sizeof "/" SVDIR_LOG - 1 && !strcmp(arg + len - (sizeof "/" SVDIR_LOG - 1), "/" SVDIR_LOG);
  if (logger) len -= sizeof "/" SVDIR_LOG - 1;
  for (unsigned int i = 0; i < boot->count; i++) {
    struct analyze_service const *s = &boot->service[i];
    if (s->logger == logger && strlen(s->name) == len && !memcmp(s->name, arg, len)) return (int)i;
  }
  return -1;
}

/* NAME @ready +took, each need under the one it held back:
     a @2.345s +0ms
     └─b @2.300s +3ms
       └─c @2.290s +1.000s */
static int critical_chain(struct analyze_boot const *boot, char const *name)
{
  int from = name ? find(boot, name) : analyze_last_ready(boot);
  unsigned int *chain, length;
  if (name && from < 0) strerr_dief3x(VIGIL_EXIT_USAGE, "no service named ", name, " in the service dir");
  if (from < 0) {
    strerr_warnw1x("no service has a record of this boot");
    return EXIT_NO_RECORD;
  }
  if (boot->service[from].record != ANALYZE_BOOT) {
    strerr_warnw3x(name, ": ", analyze_record_reason(&boot->service[from]));
    return EXIT_NO_RECORD;
  }
  chain = allocate(boot->count, sizeof *chain);
  length = analyze_chain(boot, (unsigned int)from, chain);
  for (unsigned int k = 0; k < length; k++) {
    struct analyze_service const *s = &boot->service[chain[k]];
    if (k) {
      put_spaces(2 * (k - 1));
      put("\xe2\x94\x94\xe2\x94\x80");  /* "└─" */
    }
    put_name(s);
    put(" @");
    put_time(s->ready_ns);
    put(" +");
    put_time(s->ready_ns - s->spawn_ns);
    put("\n");
  }
  free(chain);
  return VIGIL_EXIT_OK;
}

static void plot(struct analyze_boot const *boot)
{
  unsigned int *order = allocate(boot->count, sizeof *order);
  unsigned int count = analyze_boot_order(boot, order);
  struct analyze_plot_layout layout;
  for (unsigned int i = 0; i < boot->count; i++) {
    struct analyze_service const *s = &boot->service[i];
    if (s->record == ANALYZE_BOOT || s->record == ANALYZE_NOT_READY) continue;
    strerr_warnw5x("left out of the plot: ", s->name, s->logger ? "/" SVDIR_LOG : "", ": ",
                   analyze_record_reason(s));
  }
  analyze_plot_layout(boot, order, count, &layout);
  if (!analyze_plot_write(buffer_1, boot, order, count, &layout)) strerr_diefu1sys(VIGIL_EXIT_SYSTEM, "write to stdout");
  free(order);
}

enum command { COMMAND_BLAME, COMMAND_CRITICAL_CHAIN, COMMAND_PLOT };

static struct {
  char const *name;
  enum command command;
  int max_args;           /* after the command's name */
} const commands[] = {
  { "blame", COMMAND_BLAME, 0 },
  { "critical-chain", COMMAND_CRITICAL_CHAIN, 1 },
  { "plot", COMMAND_PLOT, 0 },
};

static enum command parse(int argc, char const *const *argv)
{
  if (argc >= 2)
    for (unsigned int k = 0; k < sizeof commands / sizeof commands[0]; k++)
      if (!strcmp(argv[1], commands[k].name) && argc - 2 <= commands[k].max_args) return commands[k].command;
  strerr_dieusage(VIGIL_EXIT_USAGE, USAGE);
}

int main(int argc, char const *const *argv)
{
  char const *svdir = svpath_env_dir("SVDIR", SVDIR_DEFAULT);
  enum command command = parse(argc, argv);
  struct analyze_boot boot;
  int code = VIGIL_EXIT_OK;
  if (analyze_read(svdir, &boot) < 0) strerr_diefu2sys(VIGIL_EXIT_SYSTEM, "read ", svdir);
  switch (command) {
    case COMMAND_BLAME: blame(&boot); break;
    case COMMAND_CRITICAL_CHAIN: code = critical_chain(&boot, argc > 2 ? argv[2] : 0); break;
    case COMMAND_PLOT: plot(&boot); break;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(VIGIL_EXIT_SYSTEM, "write to stdout");
  analyze_free(&boot);
  return code;
}
