/* vigil-analyze plot: where each bar goes, and the SVG drawn from it.
   Plain SVG 1.1: attributes, no CSS, the generic sans-serif font, every
   element on a line of its own (tests read it with grep). The same boot
   gives the same bytes: whole numbers only, no clock read here. */
#include <string.h>

#include <skalibs/types.h>

#include "analyze.h"

/* x positions are in tenths of a px: a ns count divides into them
   exactly when the chart's tenths divide a second's ns. */
#define TENTHS_PER_CHART (ANALYZE_PLOT_CHART_WIDTH * 10)
_Static_assert(ANALYZE_NS_PER_S % TENTHS_PER_CHART == 0, "the chart's tenths must divide a second");

/* The axis's steps: 0.1, 0.2, 0.5, 1, 2, 5, 10... seconds, the first
   at least TICK_MIN px apart. */
static uint64_t tick_step_ms(uint64_t span_s)
{
  static unsigned int const mantissa[] = { 1, 2, 5 };
  for (uint64_t power = 100;; power *= 10)
    for (unsigned int m = 0; m < sizeof mantissa / sizeof mantissa[0]; m++) {
      uint64_t step = mantissa[m] * power;
      if (step * ANALYZE_PLOT_CHART_WIDTH >= ANALYZE_PLOT_TICK_MIN * span_s * 1000) return step;
    }
}

/* Where a bar ends: its readiness, or, not ready, the last instant drawn. */
static uint64_t bar_end(struct analyze_service const *s, uint64_t end_ns)
{
  return s->record == ANALYZE_BOOT ? s->ready_ns : end_ns;
}

void analyze_plot_layout(struct analyze_boot const *boot, unsigned int const *order, unsigned int count,
                         struct analyze_plot_layout *layout)
{
  uint64_t first = UINT64_MAX, end = 0;
  memset(layout, 0, sizeof *layout);
  for (unsigned int k = 0; k < count; k++) {
    struct analyze_service const *s = &boot->service[order[k]];
    if (s->supervised_ns < first) first = s->supervised_ns;
    if (s->spawn_ns > end) end = s->spawn_ns;
    if (s->record == ANALYZE_BOOT && s->ready_ns > end) end = s->ready_ns;
  }
  if (!count) first = end = 0;
  layout->first_supervised_ns = first;
  layout->end_ns = end;
  layout->phases = count && boot->init_known && boot->init_is_scanner && boot->init_ns <= first
                   && first <= ANALYZE_PHASES_MAX_NS;
  layout->origin_ns = layout->phases ? 0 : first / ANALYZE_NS_PER_S * ANALYZE_NS_PER_S;
  layout->span_s = (end - layout->origin_ns + ANALYZE_NS_PER_S - 1) / ANALYZE_NS_PER_S;
  if (!layout->span_s) layout->span_s = 1;
  layout->tick_ms = tick_step_ms(layout->span_s);
  /* The axis ends on a label. */
  if (layout->tick_ms > 1000) {
    uint64_t tick_s = layout->tick_ms / 1000;
    layout->span_s = (layout->span_s + tick_s - 1) / tick_s * tick_s;
  }
  layout->rows = count + (layout->phases ? 2 : 0);
  layout->width = ANALYZE_PLOT_MARGIN + ANALYZE_PLOT_CHART_WIDTH + ANALYZE_PLOT_TEXT_ROOM;
  layout->height = ANALYZE_PLOT_TOP + layout->rows * ANALYZE_PLOT_ROW + ANALYZE_PLOT_BOTTOM;
}

uint64_t analyze_plot_x(struct analyze_plot_layout const *layout, uint64_t ns)
{
  uint64_t ns_per_tenth = layout->span_s * (ANALYZE_NS_PER_S / TENTHS_PER_CHART);
  uint64_t since = ns > layout->origin_ns ? ns - layout->origin_ns : 0;
  return ANALYZE_PLOT_MARGIN * 10 + since / ns_per_tenth;
}

unsigned int analyze_plot_y(unsigned int row)
{
  return ANALYZE_PLOT_TOP + row * ANALYZE_PLOT_ROW + (ANALYZE_PLOT_ROW - ANALYZE_PLOT_BAR) / 2;
}

/* ---- the SVG ---- */

struct svg {
  buffer *out;
  bool failed;
};

static void put(struct svg *svg, char const *s)
{
  if (buffer_puts(svg->out, s) < 0) svg->failed = true;
}

static void put_uint(struct svg *svg, uint64_t n)
{
  char fmt[UINT64_FMT + 1];
  fmt[uint64_fmt(fmt, n)] = 0;
  put(svg, fmt);
}

static void put_tenths(struct svg *svg, uint64_t tenths)
{
  char fmt[UINT64_FMT + 3];
  size_t len = uint64_fmt(fmt, tenths / 10);
  fmt[len++] = '.';
  fmt[len++] = (char)('0' + tenths % 10);
  fmt[len] = 0;
  put(svg, fmt);
}

static void put_time(struct svg *svg, uint64_t ns)
{
  char fmt[ANALYZE_TIME_SIZE];
  fmt[analyze_fmt_time(fmt, ns)] = 0;
  put(svg, fmt);
}

/* Text content: a service's name may hold any byte but NUL and '/'. */
static void put_escaped(struct svg *svg, char const *s)
{
  for (; *s; s++)
    switch (*s) {
      case '&': put(svg, "&amp;"); break;
      case '<': put(svg, "&lt;"); break;
      case '>': put(svg, "&gt;"); break;
      default:
        /* XML 1.0 allows no control characters but tab, newline, return. */
        if ((unsigned char)*s < 0x20) put(svg, "?");
        else if (buffer_put(svg->out, s, 1) < 0) svg->failed = true;
    }
}

static void put_name(struct svg *svg, struct analyze_service const *s)
{
  put_escaped(svg, s->name);
  if (s->logger) put(svg, "/log");
}

/* A rect with x and width in tenths of a px, y and height in px. */
static void rect(struct svg *svg, char const *class, uint64_t x, unsigned int y, uint64_t width, unsigned int height,
                 char const *fill)
{
  put(svg, "<rect class=\"");
  put(svg, class);
  put(svg, "\" x=\"");
  put_tenths(svg, x);
  put(svg, "\" y=\"");
  put_uint(svg, y);
  put(svg, "\" width=\"");
  put_tenths(svg, width);
  put(svg, "\" height=\"");
  put_uint(svg, height);
  put(svg, "\" fill=\"");
  put(svg, fill);
  put(svg, "\"/>\n");
}

/* An opening text tag; the caller puts the text and text_end. */
static void text_at(struct svg *svg, char const *class, uint64_t x, unsigned int y, char const *extra)
{
  put(svg, "<text class=\"");
  put(svg, class);
  put(svg, "\" x=\"");
  put_tenths(svg, x);
  put(svg, "\" y=\"");
  put_uint(svg, y);
  put(svg, "\"");
  if (extra) {
    put(svg, " ");
    put(svg, extra);
  }
  put(svg, ">");
}

static void text_end(struct svg *svg)
{
  put(svg, "</text>\n");
}

/* Colours, one per kind of bar. */
#define FILL_BACKGROUND "#ffffff"
#define FILL_KERNEL "#9a9a9a"
#define FILL_INIT "#c8a040"
#define FILL_WAITING "#cfe0f0"
#define FILL_READINESS "#2f6fb0"
#define FILL_ONESHOT "#3a9a50"
#define FILL_UP "#707880"
#define FILL_NOT_READY "#c83030"
#define STROKE_GRID "#d8d8d8"

static char const *bar_fill(struct analyze_service const *s)
{
  if (s->record == ANALYZE_NOT_READY) return FILL_NOT_READY;
  if (s->oneshot) return FILL_ONESHOT;
  return s->readiness ? FILL_READINESS : FILL_UP;
}

/* Startup: 1.234s (kernel) + 56ms (vigil-init) + 1.002s (services) = 2.292s */
static void title(struct svg *svg, struct analyze_boot const *boot, unsigned int count,
                  struct analyze_plot_layout const *layout)
{
  int last = analyze_last_ready(boot);
  uint64_t last_ns = last >= 0 ? boot->service[last].ready_ns : layout->end_ns;
  uint64_t services_ns = last_ns > layout->first_supervised_ns ? last_ns - layout->first_supervised_ns : 0;
  text_at(svg, "title", ANALYZE_PLOT_MARGIN * 10, 20, "font-size=\"14\"");
  if (layout->phases) {
    put(svg, "Startup: ");
    put_time(svg, boot->init_ns);
    put(svg, " (kernel) + ");
    put_time(svg, layout->first_supervised_ns - boot->init_ns);
    put(svg, " (vigil-init) + ");
    put_time(svg, services_ns);
    put(svg, " (services) = ");
    put_time(svg, layout->first_supervised_ns + services_ns);
  } else {
    put(svg, "Services: ");
    put_time(svg, services_ns);
    put(svg, " from the scanner's start @");
    put_time(svg, layout->first_supervised_ns);
  }
  put(svg, ", ");
  put_uint(svg, count);
  put(svg, count == 1 ? " dir" : " dirs");
  text_end(svg);
}

/* A vertical line and a label above and below each step of the axis. */
static void axis(struct svg *svg, struct analyze_plot_layout const *layout)
{
  unsigned int top = ANALYZE_PLOT_TOP - 5, bottom = ANALYZE_PLOT_TOP + layout->rows * ANALYZE_PLOT_ROW + 5;
  for (uint64_t ms = 0; ms <= layout->span_s * 1000; ms += layout->tick_ms) {
    uint64_t x = analyze_plot_x(layout, layout->origin_ns + ms * ANALYZE_NS_PER_MS);
    char const *where[2] = { "above", "below" };
    unsigned int label_y[2] = { top - 4, bottom + 13 };
    put(svg, "<line class=\"tick\" x1=\"");
    put_tenths(svg, x);
    put(svg, "\" y1=\"");
    put_uint(svg, top);
    put(svg, "\" x2=\"");
    put_tenths(svg, x);
    put(svg, "\" y2=\"");
    put_uint(svg, bottom);
    put(svg, "\" stroke=\"" STROKE_GRID "\"/>\n");
    for (unsigned int i = 0; i < 2; i++) {
      text_at(svg, where[i], x, label_y[i], "text-anchor=\"middle\" fill=\"#606060\"");
      put_uint(svg, layout->origin_ns / ANALYZE_NS_PER_S + ms / 1000);
      if (layout->tick_ms < 1000) {
        put(svg, ".");
        put_uint(svg, ms % 1000 / 100);
      }
      put(svg, "s");
      text_end(svg);
    }
  }
}

static void phase(struct svg *svg, struct analyze_plot_layout const *layout, unsigned int row, char const *name,
                  uint64_t from, uint64_t to, char const *fill)
{
  uint64_t x = analyze_plot_x(layout, from), x_end = analyze_plot_x(layout, to);
  uint64_t width = x_end > x ? x_end - x : 0;
  if (width < ANALYZE_PLOT_MIN_BAR * 10) width = ANALYZE_PLOT_MIN_BAR * 10;
  rect(svg, "phase", x, analyze_plot_y(row), width, ANALYZE_PLOT_BAR, fill);
  text_at(svg, "phase", x + width + 40, analyze_plot_y(row) + 11, 0);
  put(svg, name);
  put(svg, " ");
  put_time(svg, to - from);
  text_end(svg);
}

/* A service's row: waiting for its needs (supervised to spawn), lighter;
   then the bar, spawn to ready; then its name and times. */
static void service_row(struct svg *svg, struct analyze_plot_layout const *layout, unsigned int row,
                        struct analyze_service const *s)
{
  uint64_t x_supervised = analyze_plot_x(layout, s->supervised_ns), x = analyze_plot_x(layout, s->spawn_ns);
  uint64_t x_end = analyze_plot_x(layout, bar_end(s, layout->end_ns));
  uint64_t width = x_end > x ? x_end - x : 0;
  unsigned int y = analyze_plot_y(row);
  if (x > x_supervised) rect(svg, "wait", x_supervised, y, x - x_supervised, ANALYZE_PLOT_BAR, FILL_WAITING);
  if (width < ANALYZE_PLOT_MIN_BAR * 10) width = ANALYZE_PLOT_MIN_BAR * 10;
  rect(svg, "bar", x, y, width, ANALYZE_PLOT_BAR, bar_fill(s));
  text_at(svg, "name", x + width + 40, y + 11, 0);
  put_name(svg, s);
  if (s->record == ANALYZE_BOOT) {
    put(svg, " +");
    put_time(svg, s->ready_ns - s->spawn_ns);
  } else {
    put(svg, " (");
    put(svg, analyze_record_reason(s));
    put(svg, ")");
  }
  if (s->spawn_ns >= s->supervised_ns + ANALYZE_NS_PER_MS) {
    put(svg, " (waited ");
    put_time(svg, s->spawn_ns - s->supervised_ns);
    put(svg, ")");
  }
  text_end(svg);
}

static void legend(struct svg *svg, struct analyze_plot_layout const *layout)
{
  static struct {
    char const *fill, *text;
    bool phase;
  } const keys[] = {
    { FILL_KERNEL, "kernel", true },
    { FILL_INIT, "vigil-init", true },
    { FILL_WAITING, "supervised, not yet spawned (needs)", false },
    { FILL_READINESS, "spawn to ready", false },
    { FILL_ONESHOT, "oneshot: up to its exit", false },
    { FILL_UP, "up (no readiness)", false },
    { FILL_NOT_READY, "not ready", false },
  };
  unsigned int y = ANALYZE_PLOT_TOP + layout->rows * ANALYZE_PLOT_ROW + 30;
  uint64_t x = ANALYZE_PLOT_MARGIN * 10;
  for (unsigned int k = 0; k < sizeof keys / sizeof keys[0]; k++) {
    if (keys[k].phase && !layout->phases) continue;
    rect(svg, "legend", x, y, 120, 12, keys[k].fill);
    text_at(svg, "legend", x + 160, y + 10, 0);
    put(svg, keys[k].text);
    text_end(svg);
    x += 10 * (16 + 7 * strlen(keys[k].text) + 20);
  }
}

bool analyze_plot_write(buffer *out, struct analyze_boot const *boot, unsigned int const *order, unsigned int count,
                        struct analyze_plot_layout const *layout)
{
  struct svg svg = { .out = out, .failed = false };
  unsigned int row = 0;
  put(&svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"");
  put_uint(&svg, layout->width);
  put(&svg, "\" height=\"");
  put_uint(&svg, layout->height);
  put(&svg, "\" viewBox=\"0 0 ");
  put_uint(&svg, layout->width);
  put(&svg, " ");
  put_uint(&svg, layout->height);
  put(&svg, "\" font-family=\"sans-serif\" font-size=\"12\">\n");
  rect(&svg, "background", 0, 0, (uint64_t)layout->width * 10, layout->height, FILL_BACKGROUND);
  title(&svg, boot, count, layout);
  axis(&svg, layout);
  if (layout->phases) {
    phase(&svg, layout, row++, "kernel", 0, boot->init_ns, FILL_KERNEL);
    phase(&svg, layout, row++, "vigil-init", boot->init_ns, layout->first_supervised_ns, FILL_INIT);
  }
  for (unsigned int k = 0; k < count; k++) service_row(&svg, layout, row++, &boot->service[order[k]]);
  legend(&svg, layout);
  put(&svg, "</svg>\n");
  return !svg.failed;
}
