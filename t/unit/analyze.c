/* Unit test of vigil-analyze's pure part (ctl/analyze-boot.c,
   ctl/analyze-plot.c): the record a status gives (this boot, another, a
   foreign format), times as text, blame's and the plot's orders, the
   critical chain, the plot's layout numbers and the SVG written from them,
   on synthetic boots. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <skalibs/allreadwrite.h>
#include <skalibs/buffer.h>

#include "analyze.h"
#include "svstatus.h"
#include "tap.h"

#define S ANALYZE_NS_PER_S
#define MS ANALYZE_NS_PER_MS

/* ---- one status ---- */

/* A layout-2 status of a run spawned and not ready, at boot 10 s, the
   wall clock at 1,000,000 s: round-tripped through its bytes. */
static struct svstatus vigil_status(uint64_t supervised, uint64_t spawn, uint64_t ready)
{
  struct svstatus status = { 0 }, back;
  char bytes[SVSTATUS_SIZE];
  status.format = SVSTATUS_FORMAT_VIGIL;
  status.changed.sec = 1000000 - 5;
  status.pid = 42;
  status.want = SVSTATUS_WANT_UP;
  status.state = SVSTATUS_RUN;
  status.supervised_ns = supervised;
  status.first_spawn_ns = spawn;
  status.first_ready_ns = ready;
  status.spawned_ns = spawn;
  svstatus_pack(bytes, &status);
  svstatus_unpack(&back, bytes, sizeof bytes);
  return back;
}

static void test_classify(void)
{
  struct svtime wall = { .sec = 1000000 };
  uint64_t now = 10 * S;
  struct analyze_service s = { 0 };
  struct svstatus status;
  char bytes[SVSTATUS_SIZE] = { 0 };

  status = vigil_status(1 * S, 2 * S, 3 * S);
  is_int(analyze_classify(&status, true, now, &wall, &s), ANALYZE_BOOT, "ready: a boot record");
  is_uint(s.supervised_ns, 1 * S, "ready: supervised at");
  is_uint(s.spawn_ns, 2 * S, "ready: spawned at");
  is_uint(s.ready_ns, 3 * S, "ready: ready at");

  status = vigil_status(1 * S, 2 * S, 0);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_BOOT, "no readiness: a boot record");
  is_uint(s.ready_ns, 2 * S, "no readiness: up is spawned (0 ms)");

  status = vigil_status(1 * S, 2 * S, 0);
  is_int(analyze_classify(&status, true, now, &wall, &s), ANALYZE_NOT_READY, "readiness, none yet: not ready");
  ok(!s.ready_now, "not ready: and not ready now");
  status.ready = true;
  is_int(analyze_classify(&status, true, now, &wall, &s), ANALYZE_NOT_READY, "ready only after a restart: not ready");
  ok(s.ready_now, "... and ready now");

  status = vigil_status(1 * S, 3 * S, 2 * S);
  is_int(analyze_classify(&status, true, now, &wall, &s), ANALYZE_BOOT, "ready before spawn (a bad file): a record");
  is_uint(s.ready_ns, 3 * S, "... ready at the spawn, never before");

  status = vigil_status(1 * S, 0, 0);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_NOT_STARTED, "never spawned: not started");

  status = vigil_status(11 * S, 12 * S, 13 * S);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_OTHER_BOOT,
         "supervised after now: another (longer) boot's");

  status = vigil_status(1 * S, 2 * S, 3 * S);
  status.changed.sec = 1000000 - 12;
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_OTHER_BOOT,
         "changed before this boot began: another boot's");
  status.changed.sec = 1000000 - 11;
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_BOOT, "changed within the second of slack: this boot's");

  status = vigil_status(0, 0, 0);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_NO_RECORD, "no supervision instant (layout 1): no record");
  s.record = ANALYZE_NO_RECORD;
  is_str(analyze_record_reason(&s), "no boot record: an older vigil's status", "layout 1: said so");

  svstatus_unpack(&status, bytes, SVSTATUS_SIZE_DAEMONTOOLS);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_NO_RECORD, "daemontools' status: no record");
  s.record = ANALYZE_NO_RECORD;
  is_str(analyze_record_reason(&s), "no boot record: daemontools' status", "daemontools': said so");
  svstatus_unpack(&status, bytes, SVSTATUS_SIZE_RUNIT);
  is_int(analyze_classify(&status, false, now, &wall, &s), ANALYZE_NO_RECORD, "runit's status: no record");
  s.record = ANALYZE_NO_RECORD;
  is_str(analyze_record_reason(&s), "no boot record: runit's status", "runit's: said so");

  s = (struct analyze_service){ .record = ANALYZE_OTHER_BOOT };
  is_str(analyze_record_reason(&s), "status from another boot", "another boot: said so");
  s = (struct analyze_service){ .record = ANALYZE_NOT_READY, .oneshot = true };
  is_str(analyze_record_reason(&s), "its up has not succeeded", "a oneshot not up: said so");
  s = (struct analyze_service){ .record = ANALYZE_NOT_STARTED };
  is_str(analyze_record_reason(&s), "not started", "not started: said so");
}

static void test_fmt_time(void)
{
  static struct {
    uint64_t ns;
    char const *text;
  } const cases[] = {
    { 0, "0ms" },
    { MS - 1, "0ms" },
    { 12 * MS + 999, "12ms" },
    { 999 * MS, "999ms" },
    { 1000 * MS, "1.000s" },
    { 1234567890, "1.234s" },
    { 61 * S + 5 * MS, "61.005s" },
    { 3600 * S, "3600.000s" },
  };
  for (unsigned int k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    char out[ANALYZE_TIME_SIZE];
    out[analyze_fmt_time(out, cases[k].ns)] = 0;
    is_str(out, cases[k].text, "%llu ns is %s", (unsigned long long)cases[k].ns, cases[k].text);
  }
}

/* ---- synthetic boots ---- */

#define MAX_SERVICES 16
static struct analyze_service services[MAX_SERVICES];
static unsigned int first[MAX_SERVICES + 1], edge[64];

/* NAME supervised, spawned, ready at these ms (ready 0: not ready). */
static void service(unsigned int i, char const *name, bool logger, uint64_t supervised_ms, uint64_t spawn_ms,
                    uint64_t ready_ms)
{
  services[i] = (struct analyze_service){
    .name = name, .logger = logger, .record = ready_ms ? ANALYZE_BOOT : ANALYZE_NOT_READY,
    .readiness = ready_ms > spawn_ms, .supervised_ns = supervised_ms * MS, .spawn_ns = spawn_ms * MS,
    .ready_ns = ready_ms * MS,
  };
}

/* needs as "from to" pairs, into rows in index order. */
static struct analyze_boot boot_of(unsigned int count, unsigned int const (*pairs)[2], unsigned int pair_count)
{
  struct analyze_boot boot = { .count = count, .service = services };
  unsigned int e = 0;
  for (unsigned int i = 0; i < count; i++) {
    first[i] = e;
    for (unsigned int k = 0; k < pair_count; k++)
      if (pairs[k][0] == i) edge[e++] = pairs[k][1];
  }
  first[count] = e;
  boot.needs = (struct needs_graph){ .n = count, .first = first, .edge = edge };
  return boot;
}

static char const *order_names(struct analyze_boot const *boot, unsigned int const *order, unsigned int count)
{
  static char text[512];
  text[0] = 0;
  for (unsigned int k = 0; k < count; k++) {
    if (k) strcat(text, " ");
    strcat(text, boot->service[order[k]].name);
    if (boot->service[order[k]].logger) strcat(text, "/log");
  }
  return text;
}

static void test_orders(void)
{
  unsigned int order[MAX_SERVICES], count;
  struct analyze_boot boot;
  /* In name order, loggers after their services. */
  service(0, "a", false, 0, 100, 100);      /* 0 ms */
  service(1, "a", true, 0, 10, 10);         /* 0 ms, spawned earlier */
  service(2, "b", false, 0, 50, 350);       /* 300 ms */
  service(3, "c", false, 0, 20, 0);         /* not ready */
  service(4, "d", false, 0, 30, 330);       /* 300 ms, spawned earlier than b */
  service(5, "e", false, 0, 0, 0);
  services[5].record = ANALYZE_NOT_STARTED;
  service(6, "f", false, 0, 40, 41);        /* 1 ms */
  boot = boot_of(7, 0, 0);

  analyze_blame_order(&boot, order);
  is_str(order_names(&boot, order, boot.count), "d b f a/log a c e",
         "blame: longest first, ties by spawn; then the unmeasured by name");

  count = analyze_boot_order(&boot, order);
  is_uint(count, 6, "the plot: the measured and the not ready, not the unstarted");
  is_str(order_names(&boot, order, count), "a/log c d f b a", "the plot: by spawn");

  service(0, "a", false, 5, 100, 100);
  service(1, "a", true, 0, 100, 100);
  boot = boot_of(2, 0, 0);
  count = analyze_boot_order(&boot, order);
  is_str(order_names(&boot, order, count), "a/log a", "the plot: the same spawn, by supervision");
  service(1, "a", true, 5, 100, 100);
  count = analyze_boot_order(&boot, order);
  is_str(order_names(&boot, order, count), "a a/log", "the plot: all the same, by name");

  service(0, "a", false, 0, 10, 500);
  service(1, "b", false, 0, 500, 500);
  service(2, "c", false, 0, 600, 0);
  boot = boot_of(3, 0, 0);
  is_int(analyze_last_ready(&boot), 1, "ready last: the same instant, the later spawned");
  service(1, "b", false, 0, 10, 500);
  is_int(analyze_last_ready(&boot), 0, "ready last: the same instant and spawn, the first by name");
  services[0].record = services[1].record = ANALYZE_NOT_STARTED;
  is_int(analyze_last_ready(&boot), -1, "ready last: none measured, none");
}

static void test_chain(void)
{
  unsigned int chain[MAX_SERVICES], length;
  struct analyze_boot boot;
  /* a needs b needs c; c reports readiness after 300 ms. */
  static unsigned int const abc[][2] = { { 0, 1 }, { 1, 2 } };
  service(0, "a", false, 0, 330, 330);
  service(1, "b", false, 0, 320, 320);
  service(2, "c", false, 0, 10, 310);
  boot = boot_of(3, abc, 2);
  is_int(analyze_last_ready(&boot), 0, "a b c: a is ready last");
  length = analyze_chain(&boot, 0, chain);
  is_str(order_names(&boot, chain, length), "a b c", "a b c: the chain is a, b, c");
  length = analyze_chain(&boot, 2, chain);
  is_str(order_names(&boot, chain, length), "c", "a chain from a service with no needs: itself");

  /* x needs p, q, r, s: p ready last before x's spawn; q ready after it
     (an ignored cycle edge, say); r not ready; s no record. */
  static unsigned int const fan[][2] = { { 0, 1 }, { 0, 2 }, { 0, 3 }, { 0, 4 } };
  service(0, "x", false, 0, 500, 600);
  service(1, "p", false, 0, 100, 400);
  service(2, "q", false, 0, 100, 550);
  service(3, "r", false, 0, 100, 0);
  service(4, "s", false, 0, 0, 0);
  services[4].record = ANALYZE_OTHER_BOOT;
  services[4].ready_ns = 450 * MS;
  boot = boot_of(5, fan, 4);
  length = analyze_chain(&boot, 0, chain);
  is_str(order_names(&boot, chain, length), "x p",
         "the need ready last before the spawn; those ready after it, not ready, or of no record passed over");

  /* Two needs ready at the same instant: the first by name. */
  service(2, "q", false, 0, 100, 400);
  length = analyze_chain(&boot, 0, chain);
  is_str(order_names(&boot, chain, length), "x p", "ties: the first by name");

  /* A cycle of equal instants (edges the ordering ignored) ends. */
  static unsigned int const loop[][2] = { { 0, 1 }, { 1, 0 } };
  service(0, "u", false, 0, 100, 100);
  service(1, "v", false, 0, 100, 100);
  boot = boot_of(2, loop, 2);
  length = analyze_chain(&boot, 0, chain);
  is_str(order_names(&boot, chain, length), "u v", "a cycle of equal instants: each once, and the chain ends");
}

/* ---- the plot ---- */

static void test_layout(void)
{
  unsigned int order[MAX_SERVICES], count;
  struct analyze_plot_layout layout;
  struct analyze_boot boot;
  service(0, "a", false, 2000, 2100, 2400);
  service(1, "b", false, 2010, 2500, 0);
  boot = boot_of(2, 0, 0);
  boot.init_known = boot.init_is_scanner = true;
  boot.init_ns = 1500 * MS;
  count = analyze_boot_order(&boot, order);
  analyze_plot_layout(&boot, order, count, &layout);
  ok(layout.phases, "vigil-scan as PID 1, started before the first supervision: the phases are drawn");
  is_uint(layout.origin_ns, 0, "with the phases, the axis starts at the boot");
  is_uint(layout.first_supervised_ns, 2000 * MS, "the first supervision");
  is_uint(layout.end_ns, 2500 * MS, "the last instant: the last spawn (b is not ready)");
  is_uint(layout.span_s, 3, "the axis: 3 s");
  is_uint(layout.tick_ms, 200, "labels every 200 ms (at least 60 px apart on 1000 px)");
  is_uint(layout.rows, 4, "rows: 2 phases, 2 services");
  is_uint(layout.width, ANALYZE_PLOT_MARGIN + ANALYZE_PLOT_CHART_WIDTH + ANALYZE_PLOT_TEXT_ROOM, "width");
  is_uint(layout.height, ANALYZE_PLOT_TOP + 4 * ANALYZE_PLOT_ROW + ANALYZE_PLOT_BOTTOM, "height");
  is_uint(analyze_plot_x(&layout, 0), ANALYZE_PLOT_MARGIN * 10, "x: the boot at the margin");
  is_uint(analyze_plot_x(&layout, 3 * S), (ANALYZE_PLOT_MARGIN + ANALYZE_PLOT_CHART_WIDTH) * 10,
          "x: the axis's end at the chart's end");
  is_uint(analyze_plot_x(&layout, 1500 * MS), ANALYZE_PLOT_MARGIN * 10 + 5000, "x: 1.5 s of 3 s, half way");
  is_uint(analyze_plot_x(&layout, 1 * MS), ANALYZE_PLOT_MARGIN * 10 + 3, "x: 1 ms is 0.3 px, in tenths");
  is_uint(analyze_plot_y(0), ANALYZE_PLOT_TOP + 3, "y: the first row's bar, centred in its row");
  is_uint(analyze_plot_y(2), ANALYZE_PLOT_TOP + 2 * ANALYZE_PLOT_ROW + 3, "y: the third row's");

  boot.init_is_scanner = false;
  analyze_plot_layout(&boot, order, count, &layout);
  ok(!layout.phases, "PID 1 not vigil-scan: no phases");
  is_uint(layout.origin_ns, 2 * S, "without the phases, the axis starts at the second before the first supervision");
  is_uint(layout.span_s, 1, "... and is 1 s long");
  is_uint(layout.tick_ms, 100, "labels every 100 ms");
  is_uint(layout.rows, 2, "rows: the services only");
  boot.init_is_scanner = true;
  boot.init_ns = 2001 * MS;
  analyze_plot_layout(&boot, order, count, &layout);
  ok(!layout.phases, "PID 1 started after the first supervision: no phases");
  boot.init_ns = 1 * S;
  service(0, "a", false, 700000, 700100, 700400);
  service(1, "b", false, 700010, 700500, 0);
  analyze_plot_layout(&boot, order, count, &layout);
  ok(!layout.phases, "a first supervision 700 s after the boot (a container's, a scanner by hand): no phases");

  static struct {
    uint64_t end_s, span_s, tick_ms;
  } const spans[] = {
    { 1, 1, 100 }, { 4, 4, 500 }, { 10, 10, 1000 }, { 11, 11, 1000 }, { 17, 18, 2000 }, { 61, 65, 5000 }, { 100, 100, 10000 },
  };
  for (unsigned int k = 0; k < sizeof spans / sizeof spans[0]; k++) {
    service(0, "a", false, 0, 0, spans[k].end_s * 1000);
    boot = boot_of(1, 0, 0);
    count = analyze_boot_order(&boot, order);
    analyze_plot_layout(&boot, order, count, &layout);
    is_uint(layout.span_s, spans[k].span_s, "a %llu s boot: an axis of %llu s", (unsigned long long)spans[k].end_s,
            (unsigned long long)spans[k].span_s);
    is_uint(layout.tick_ms, spans[k].tick_ms, "... labelled every %llu ms", (unsigned long long)spans[k].tick_ms);
  }
}

/* The SVG of a boot, as a string (a temp file behind a buffer). */
static char *svg_of(struct analyze_boot const *boot)
{
  unsigned int order[MAX_SERVICES], count = analyze_boot_order(boot, order);
  struct analyze_plot_layout layout;
  char space[512];
  FILE *file = tmpfile();
  buffer out;
  char *text;
  long size;
  if (!file) return 0;
  buffer_init(&out, &buffer_write, fileno(file), space, sizeof space);
  analyze_plot_layout(boot, order, count, &layout);
  if (!analyze_plot_write(&out, boot, order, count, &layout) || !buffer_flush(&out)) return 0;
  size = lseek(fileno(file), 0, SEEK_END);
  text = calloc((size_t)size + 1, 1);
  if (!text || pread(fileno(file), text, (size_t)size, 0) != size) return 0;
  fclose(file);
  return text;
}

static unsigned int count_of(char const *text, char const *needle)
{
  unsigned int n = 0;
  for (char const *at = text; (at = strstr(at, needle)); at += strlen(needle)) n++;
  return n;
}

static void test_svg(void)
{
  struct analyze_boot boot;
  char *svg, *again;
  service(0, "a", false, 2000, 2100, 2400);
  service(1, "b&<c>", false, 2000, 2000, 2000);
  service(2, "b&<c>", true, 2010, 2500, 0);
  boot = boot_of(3, 0, 0);
  boot.init_known = boot.init_is_scanner = true;
  boot.init_ns = 1500 * MS;
  svg = svg_of(&boot);
  ok(svg != 0, "the SVG is written");
  if (!svg) return;
  ok(!strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"", 77),
     "it opens as an SVG document");
  ok(count_of(svg, "</svg>\n") == 1 && !strcmp(svg + strlen(svg) - 7, "</svg>\n"), "and closes as one");
  is_uint(count_of(svg, "<rect class=\"bar\""), 3, "a bar per service and logger");
  is_uint(count_of(svg, "<rect class=\"phase\""), 2, "the kernel's and vigil-init's phases");
  is_uint(count_of(svg, "<rect class=\"wait\""), 2, "a waiting part where spawn came after supervision (2 of 3)");
  ok(strstr(svg, ">b&amp;&lt;c&gt; +0ms</text>") != 0, "a name is escaped for XML");
  ok(strstr(svg, ">b&amp;&lt;c&gt;/log (not ready) (waited 490ms)</text>") != 0, "a logger not ready: said so");
  ok(strstr(svg, "<rect class=\"bar\" x=\"706.6\" y=\"93\" width=\"2.0\" height=\"14\" fill=\"#707880\"/>") != 0,
     "a bar up at its spawn: at 2 s, min width, grey");
  ok(strstr(svg, "<rect class=\"bar\" x=\"706.6\"") < strstr(svg, "<rect class=\"bar\" x=\"740.0\""),
     "the bars in spawn order: b (2 s) above a (2.1 s)");
  ok(strstr(svg, "<rect class=\"bar\" x=\"740.0\" y=\"113\" width=\"100.0\" height=\"14\" fill=\"#2f6fb0\"/>") != 0,
     "a's bar: 2.1 s to 2.4 s, 100 px, blue (reports readiness)");
  ok(strstr(svg, "<rect class=\"bar\" x=\"873.3\" y=\"133\" width=\"2.0\" height=\"14\" fill=\"#c83030\"/>") != 0,
     "a bar not ready runs to the last instant drawn (its own spawn here), red");
  ok(strstr(svg, "<rect class=\"wait\" x=\"706.6\" y=\"113\" width=\"33.4\"") != 0,
     "a's waiting part: 2.0 s to 2.1 s");
  ok(strstr(svg, ">Startup: 1.500s (kernel) + 500ms (vigil-init) + 400ms (services) = 2.400s, 3 dirs</text>") != 0,
     "the title sums the phases up");
  ok(strstr(svg, ">1.4s</text>") != 0 && strstr(svg, ">3.0s</text>") != 0, "the axis is labelled in seconds");
  again = svg_of(&boot);
  ok(again && !strcmp(svg, again), "the same boot gives the same bytes");
  free(again);
  free(svg);

  boot = boot_of(0, 0, 0);
  svg = svg_of(&boot);
  ok(svg && !count_of(svg, "<rect class=\"bar\"") && count_of(svg, "</svg>") == 1, "no service: an empty chart, still SVG");
  free(svg);
}

int main(void)
{
  test_classify();
  test_fmt_time();
  test_orders();
  test_chain();
  test_layout();
  test_svg();
  return done_testing();
}
