/* svstat -a: one aligned line per service dir, under a header. Columns
   in a fixed order, each as wide as its widest cell; colour (the state)
   only when asked, and the padding counted without it. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <skalibs/buffer.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include <skalibs/types.h>

#include "exitcode.h"
#include "svstat-row.h"

enum column { COL_NAME, COL_STATE, COL_PID, COL_TIME, COL_RESTARTS, COL_EXIT, COL_MEMORY, COL_CPU, COL_STATUS, COL_COUNT };

static char const *const headers[COL_COUNT] = {
  [COL_NAME] = "NAME", [COL_STATE] = "STATE", [COL_PID] = "PID", [COL_TIME] = "TIME",
  [COL_RESTARTS] = "RESTARTS", [COL_EXIT] = "EXIT", [COL_MEMORY] = "MEMORY", [COL_CPU] = "CPU", [COL_STATUS] = "STATUS",
};

/* A state cell's longest "waiting for a, b, ...": past it, "...". */
#define STATE_CELL_MAX 48
#define CELL_MAX 64

#define COLOUR_RED "\033[31m"
#define COLOUR_GREEN "\033[32m"
#define COLOUR_YELLOW "\033[33m"
#define COLOUR_RESET "\033[0m"

struct cells {
  char text[COL_COUNT - 1][CELL_MAX];   /* the status text is printed from the row */
};

static void put(char const *s)
{
  buffer_puts(buffer_1, s);
}

/* Bytes a terminal would act on (escape sequences from a service's
   STATUS= or a dir's name) shown as '?'. */
static void put_printable(char const *s)
{
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    buffer_put(buffer_1, c < 0x20 || c == 0x7f ? "?" : s, 1);
  }
}

static void state_cell(char *out, struct svstat_row const *row)
{
  size_t len;
  strcpy(out, svsummary_state_word(row->state));
  if (row->state != SVSUMMARY_WAITING || !row->waiting[0]) return;
  len = strlen(out);
  strcpy(out + len, " for ");
  len += 5;
  for (char const *p = row->waiting; *p && len < STATE_CELL_MAX; p++) {
    if (*p == '\n') {
      if (len + 2 > STATE_CELL_MAX) break;
      out[len++] = ',';
      out[len++] = ' ';
    } else out[len++] = *p;
  }
  out[len] = 0;
  if (len >= STATE_CELL_MAX) strcpy(out + STATE_CELL_MAX - 3, "...");
}

static void exit_cell(char *out, struct svstatus const *status)
{
  if (!status->has_exited) {
    strcpy(out, "-");
    return;
  }
  if (WIFSIGNALED(status->last_wait_status)) {
    strcpy(out, "SIG");
    strcpy(out + 3, sig_name(WTERMSIG(status->last_wait_status)));
    return;
  }
  out[uint_fmt(out, (unsigned int)WEXITSTATUS(status->last_wait_status))] = 0;
}

static void fill_cells(struct cells *cells, struct svstat_row const *row)
{
  struct svstatus const *status = &row->status;
  for (int c = 0; c < COL_COUNT - 1; c++) strcpy(cells->text[c], "-");
  cells->text[COL_NAME][0] = 0;
  state_cell(cells->text[COL_STATE], row);
  if (!row->has_status) return;
  if (status->state == SVSTATUS_RUN && status->pid)
    cells->text[COL_PID][uint64_fmt(cells->text[COL_PID], status->pid)] = 0;
  svsummary_fmt_duration(cells->text[COL_TIME], row->seconds);
  /* daemontools and runit keep no count. */
  if (status->format == SVSTATUS_FORMAT_VIGIL)
    cells->text[COL_RESTARTS][uint64_fmt(cells->text[COL_RESTARTS], status->restarts)] = 0;
  exit_cell(cells->text[COL_EXIT], status);
  if (row->has_memory) svsummary_fmt_kib(cells->text[COL_MEMORY], row->memory_kib);
  if (row->has_cpu) svsummary_fmt_cpu(cells->text[COL_CPU], row->cpu_usec);
}

static char const *state_colour(enum svsummary_state state)
{
  if (svsummary_state_bad(state)) return COLOUR_RED;
  switch (state) {
    case SVSUMMARY_UP:
    case SVSUMMARY_READY:
      return COLOUR_GREEN;
    case SVSUMMARY_WAITING:
    case SVSUMMARY_FINISHING:
    case SVSUMMARY_PAUSED:
    case SVSUMMARY_NO_STATUS:
      return COLOUR_YELLOW;
    case SVSUMMARY_DOWN:
    case SVSUMMARY_GONE:
    case SVSUMMARY_FAILED:
    case SVSUMMARY_DYING_TOO_FAST:
    case SVSUMMARY_RUN_MISSING:
    case SVSUMMARY_RUN_NOT_EXECUTABLE:
    case SVSUMMARY_FORK_FAILED:
    case SVSUMMARY_NO_SUPERVISOR:
    case SVSUMMARY_UNREADABLE:
    case SVSUMMARY_UNKNOWN:
    case SVSUMMARY_UNHEALTHY:
      return 0;
  }
  return 0;
}

static void pad(size_t used, size_t width)
{
  for (; used < width; used++) put(" ");
}

/* One line: cell texts, the name and status from the row (any length);
   no blanks at its end. */
static void put_line(char const *const texts[COL_COUNT], size_t const width[COL_COUNT], char const *colour)
{
  int end = texts[COL_STATUS][0] ? COL_COUNT : COL_STATUS;
  for (int c = 0; c < end; c++) {
    int last = c == end - 1;
    if (c) put("  ");
    if (c == COL_STATE && colour) put(colour);
    put_printable(texts[c]);
    if (c == COL_STATE && colour) put(COLOUR_RESET);
    if (last) break;
    pad(strlen(texts[c]), width[c]);
  }
  put("\n");
}

#define CHANGED_TEXT "changed since start"

/* The last column: the edit flag, then what the service said (STATUS=). */
static char const *status_text(char buffer[SVSTAT_NOTIFY_MAX + sizeof CHANGED_TEXT "; "], struct svstat_row const *row)
{
  if (!row->changed) return row->notify;
  strcpy(buffer, CHANGED_TEXT);
  if (row->notify[0]) {
    strcat(buffer, "; ");
    strcat(buffer, row->notify);
  }
  return buffer;
}

void svstat_table_print(struct svstat_row const *rows, size_t count, bool colour)
{
  size_t width[COL_COUNT];
  struct cells *cells = count ? calloc(count, sizeof *cells) : 0;
  if (count && !cells) strerr_diefusys(VIGIL_EXIT_SYSTEM, "allocate ", "the table");
  for (int c = 0; c < COL_COUNT; c++) width[c] = strlen(headers[c]);
  for (size_t i = 0; i < count; i++) {
    fill_cells(&cells[i], &rows[i]);
    for (int c = 0; c < COL_COUNT - 1; c++) {
      size_t len = c == COL_NAME ? strlen(rows[i].name) : strlen(cells[i].text[c]);
      if (len > width[c]) width[c] = len;
    }
  }
  put_line(headers, width, 0);
  for (size_t i = 0; i < count; i++) {
    char const *texts[COL_COUNT];
    char status[SVSTAT_NOTIFY_MAX + sizeof CHANGED_TEXT "; "];
    for (int c = 0; c < COL_COUNT - 1; c++) texts[c] = cells[i].text[c];
    texts[COL_NAME] = rows[i].name;
    texts[COL_STATUS] = status_text(status, &rows[i]);
    put_line(texts, width, colour ? state_colour(rows[i].state) : 0);
  }
  free(cells);
}
