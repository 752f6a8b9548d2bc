/* vigil-analyze: the boot as the status files recorded it (layout 2's
   CLOCK_BOOTTIME instants). analyze-read.c reads $SVDIR into a struct
   analyze_boot; everything else here is pure (no system calls), so that
   t/unit/analyze.c drives it on synthetic boots: which record a status
   gives, blame's and the plot's orders, the critical chain, the plot's
   layout numbers, and the SVG written from them. */
#ifndef VIGIL_ANALYZE_H
#define VIGIL_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <skalibs/buffer.h>

#include "needs.h"
#include "needsdir.h"
#include "svstatus.h"
#include "svtime.h"

#define ANALYZE_NS_PER_S UINT64_C(1000000000)
#define ANALYZE_NS_PER_MS UINT64_C(1000000)

/* What a dir's status says of this boot. Only BOOT and NOT_READY have
   instants to show. */
enum analyze_record {
  ANALYZE_BOOT,           /* spawned, and ready (or up, for one that does not report readiness) */
  ANALYZE_NOT_READY,      /* spawned, reports readiness (or a oneshot), its first run never ready */
  ANALYZE_NOT_STARTED,    /* supervised in this boot, never spawned (down, or waiting for its needs) */
  ANALYZE_OTHER_BOOT,     /* a status left by another boot (a live dir kept on disk) */
  ANALYZE_NO_RECORD,      /* daemontools', runit's or an older vigil's status: no instants */
  ANALYZE_NO_STATUS       /* no status file, or one in no format we know */
};

struct analyze_service {
  char const *name;       /* the service's name in $SVDIR; a logger is its service's name ... */
  bool logger;            /* ... and this: shown as NAME/log */
  enum analyze_record record;
  enum svstatus_format format;  /* for NO_RECORD: whose status it is */
  bool readiness;         /* reports readiness: notification-fd or notify-socket */
  bool oneshot;           /* ./up and no ./run: ready when ./up exits 0 */
  bool ready_now;         /* NOT_READY: the status says ready now (after a restart) */
  uint32_t restarts;
  uint64_t supervised_ns; /* CLOCK_BOOTTIME, as the status file's */
  uint64_t spawn_ns;
  uint64_t ready_ns;      /* BOOT only: first_ready_ns, or spawn_ns without readiness */
};

/* A boot: the dirs of $SVDIR in name order, each service followed by its
   logger, and the needs between them (loggers need nothing) as a
   lib/needs graph over those indices, each row in name order. */
struct analyze_boot {
  unsigned int count;
  struct analyze_service *service;
  struct needs_graph needs;
  bool init_known;        /* /proc/1/stat was read */
  bool init_is_scanner;   /* PID 1 is vigil-scan (vigil-init exec'd into it) */
  uint64_t init_ns;       /* ns since boot: the kernel exec'd PID 1's program (its log says
                             when), or, when the log has lost it, PID 1's start */
  /* analyze_read's memory, for analyze_free: the names, the rows */
  struct names names;
  unsigned int *first, *edge;
};

/* ---- one status ---- */

/* The record STATUS (read from a dir that reports readiness or is a
   oneshot, as READINESS_EXPECTED says) gives at NOW_BOOT_NS
   (CLOCK_BOOTTIME) and NOW_WALL, with its instants into *service. A status
   is of another boot when it was supervised later than now (that boot
   lasted longer), or it changed before this boot began (a second of
   slack for the two clocks read apart). */
enum analyze_record analyze_classify(struct svstatus const *status, bool readiness_expected, uint64_t now_boot_ns,
                                     struct svtime const *now_wall, struct analyze_service *service);

/* Why a service has no bar: "not started", "status from another boot",
   "no boot record: runit's status"... */
char const *analyze_record_reason(struct analyze_service const *service);

/* ---- orders and the chain ---- */

/* BOOT first, by time from spawn to ready, longest first (then by spawn,
   then name); the others after, in name order. ORDER gets count indices. */
void analyze_blame_order(struct analyze_boot const *boot, unsigned int *order);

/* The services with a bar (BOOT and NOT_READY) by spawn (then
   supervision, then name): into ORDER; returns how many. */
unsigned int analyze_boot_order(struct analyze_boot const *boot, unsigned int *order);

/* The BOOT service ready last (ties: the later spawned, then the first
   by name), or -1 when there is none. */
int analyze_last_ready(struct analyze_boot const *boot);

/* The chain that decided when service FROM (a BOOT one) was ready: FROM,
   then the need of it that became ready last before FROM was spawned,
   then that need's, and so on (ties: the first by name). Needs without an
   instant are passed over. CHAIN gets up to count indices; returns how
   many. */
unsigned int analyze_chain(struct analyze_boot const *boot, unsigned int from, unsigned int *chain);

/* ---- times as text ---- */

/* "0ms", "12ms", "1.234s" (ns, truncated to the ms): systemd-analyze's
   look, fixed for every input. */
#define ANALYZE_TIME_SIZE 32
size_t analyze_fmt_time(char *out, uint64_t ns);

/* ---- the plot ---- */

/* The phases before the scanner: the kernel (0 to init_ns) and
   vigil-init (init_ns to the first supervision, the scanner's start). Drawn when PID 1 is vigil-scan, started before the first
   supervision, which began within this of the boot: a scanner started
   later (by hand, or as a container's PID 1 on a host up for hours) is no
   boot, and its plot starts at its own start. */
#define ANALYZE_PHASES_MAX_NS (600 * ANALYZE_NS_PER_S)

/* Sizes in px. The chart is CHART_WIDTH wide whatever the boot's length:
   a 2 s boot in a VM and a 60 s one on a server both fill a screen. */
#define ANALYZE_PLOT_CHART_WIDTH 1000
#define ANALYZE_PLOT_MARGIN 40          /* room for half the first label of the axis, centred on its line */
#define ANALYZE_PLOT_TOP 50             /* the title, and the axis's labels above the rows */
#define ANALYZE_PLOT_ROW 20
#define ANALYZE_PLOT_BAR 14
#define ANALYZE_PLOT_TEXT_ROOM 360      /* right of the chart, for the labels of the last bars */
#define ANALYZE_PLOT_BOTTOM 60          /* the axis's labels below, and the legend */
#define ANALYZE_PLOT_TICK_MIN 60        /* px between the axis's labels, at least */
#define ANALYZE_PLOT_MIN_BAR 2          /* a service up at its spawn still shows as a mark */

/* Where things go. x positions are in tenths of a px (whole numbers:
   the same input gives the same bytes on every machine). */
struct analyze_plot_layout {
  bool phases;            /* the kernel's and vigil-init's rows are drawn */
  uint64_t origin_ns;     /* the axis's 0 px: the boot, or the whole second before the first supervision */
  uint64_t span_s;        /* the axis's length, whole seconds, at least 1 */
  uint64_t tick_ms;       /* between the axis's labels: 100, 200, 500, 1000, 2000, 5000... */
  uint64_t first_supervised_ns;
  uint64_t end_ns;        /* the last instant drawn: a bar not ready runs to it */
  unsigned int rows;      /* the phases' and the services' */
  unsigned int width, height;  /* px */
};

/* The layout of the services ORDER lists (analyze_boot_order's). */
void analyze_plot_layout(struct analyze_boot const *boot, unsigned int const *order, unsigned int count,
                         struct analyze_plot_layout *layout);

/* The x of instant NS, in tenths of a px. */
uint64_t analyze_plot_x(struct analyze_plot_layout const *layout, uint64_t ns);

/* The y of row ROW's bar, in px. */
unsigned int analyze_plot_y(unsigned int row);

/* The SVG to OUT. Returns false when OUT failed. */
bool analyze_plot_write(buffer *out, struct analyze_boot const *boot, unsigned int const *order, unsigned int count,
                        struct analyze_plot_layout const *layout);

/* ---- reading $SVDIR (analyze-read.c) ---- */

/* Every dir of SVDIR (not a dot name) and its log/, their status files
   and needs/, PID 1's start. Returns 0, or -1 with errno when SVDIR
   cannot be read (a dir that cannot be is NO_STATUS). */
int analyze_read(char const *svdir, struct analyze_boot *boot);
void analyze_free(struct analyze_boot *boot);

#endif
