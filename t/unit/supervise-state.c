/* Unit test of the supervisor's state machine: supervise_step driven with
   synthetic events on a synthetic clock, no fork, no signal, no file. */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <skalibs/tai.h>

/* The Makefile puts only lib/ on the include path. */
#include "supervise-state.h"
#include "svcontrol.h"
#include "svstatus.h"
#include "tap.h"

/* Arbitrary, but not zero, so that a field left at zero shows. */
#define BASE_MONOTONIC_SECONDS 1000
#define BASE_WALL_SECONDS 1700000000
#define RUN_PID 4242
#define FINISH_PID 4343
#define TIMEOUT_KILL_MS 3000
#define TIMEOUT_FINISH_MS 5000
#define SHORT_RUN_MS 300           /* a crash: well under RESTART_MIN_INTERVAL_MS */
#define LONG_RUN_MS 60000          /* a good run: well over it */
#define MONTH_MS (30u * 24 * 3600 * 1000)  /* a run that lived a month (> INT_MAX ms) */
#define BYTE_VALUES 256

/* wait statuses as waitpid() gives them */
#define EXITED(code) ((code) << 8)
#define KILLED_BY(signal) (signal)

struct harness {
  struct supervise_state state;
  struct supervise_clock clock;
  struct supervise_actions actions;  /* of the last step */
  bool stepped;                      /* what the last step returned: false is a bug */
};

/* ---------- driving the machine ---------- */

static struct supervise_config default_config(void)
{
  struct supervise_config config = {
    .down_signal = SIGTERM,
    .timeout_kill_ms = 0,
    .timeout_finish_ms = 0,
  };
  return config;
}

static void setup_with(struct harness *h, struct supervise_config const *config)
{
  memset(h, 0, sizeof *h);
  tain_addsec(&h->clock.monotonic, &tain_zero, BASE_MONOTONIC_SECONDS);
  h->clock.wall.sec = BASE_WALL_SECONDS;
  h->clock.wall.nsec = 0;
  supervise_init(&h->state, config);
}

static void setup(struct harness *h)
{
  struct supervise_config config = default_config();
  setup_with(h, &config);
}

/* Both clocks move together. Up to a month, in milliseconds. */
static void advance_ms(struct harness *h, unsigned int ms)
{
  tain delta;
  unsigned int seconds = ms / 1000;
  unsigned int rest_ms = ms % 1000;
  tain_addsec(&h->clock.monotonic, &h->clock.monotonic, (int)seconds);
  tain_from_millisecs(&delta, (int)rest_ms);
  tain_add(&h->clock.monotonic, &h->clock.monotonic, &delta);
  h->clock.boot_ns += (uint64_t)ms * 1000000u;
  h->clock.wall.sec += seconds;
  h->clock.wall.nsec += rest_ms * 1000000u;
  if (h->clock.wall.nsec >= 1000000000u) {
    h->clock.wall.nsec -= 1000000000u;
    h->clock.wall.sec++;
  }
}

/* Milliseconds from the harness's base to a monotonic stamp. */
static long long ms_since_base(tain const *stamp)
{
  tain base, elapsed;
  tain_addsec(&base, &tain_zero, BASE_MONOTONIC_SECONDS);
  tain_sub(&elapsed, stamp, &base);
  return (long long)tai_sec(&elapsed.sec) * 1000 + elapsed.nano / 1000000;
}

static long long now_ms(struct harness const *h)
{
  return ms_since_base(&h->clock.monotonic);
}

/* The machine's deadline in ms since base, or -1 when it has none. */
static long long deadline_ms(struct harness const *h)
{
  tain deadline;
  if (!supervise_deadline(&h->state, &deadline)) return -1;
  return ms_since_base(&deadline);
}

static void step(struct harness *h, struct supervise_event const *event)
{
  h->actions.count = 0;
  h->actions.overflow = false;
  h->stepped = supervise_step(&h->state, event, &h->clock, &h->actions);
}

static void send_event(struct harness *h, enum supervise_event_type type)
{
  struct supervise_event event = { .type = type };
  step(h, &event);
}

static void command(struct harness *h, unsigned char letter)
{
  struct supervise_event event = { .type = EVENT_COMMAND, .command = svcontrol_lookup(letter) };
  step(h, &event);
}

static void boot(struct harness *h, enum supervise_want want)
{
  struct supervise_event event = { .type = EVENT_BOOT, .initial_want = want };
  step(h, &event);
}

static void spawned(struct harness *h, pid_t pid)
{
  struct supervise_event event = { .type = EVENT_SPAWNED, .pid = pid };
  step(h, &event);
}

static void spawn_failed(struct harness *h, enum svstatus_reason reason)
{
  struct supervise_event event = { .type = EVENT_SPAWN_FAILED, .reason = reason };
  step(h, &event);
}

static void run_exited(struct harness *h, int wait_status)
{
  struct supervise_event event = { .type = EVENT_RUN_EXITED, .wait_status = wait_status };
  step(h, &event);
}

/* ./run exits and some of its process group is still there. */
static void run_exited_group_left(struct harness *h, int wait_status)
{
  struct supervise_event event = { .type = EVENT_RUN_EXITED, .wait_status = wait_status, .group_left = true };
  step(h, &event);
}

static void finish_spawned(struct harness *h, pid_t pid)
{
  struct supervise_event event = { .type = EVENT_FINISH_SPAWNED, .pid = pid };
  step(h, &event);
}

static void finish_exited(struct harness *h, int wait_status)
{
  struct supervise_event event = { .type = EVENT_FINISH_EXITED, .wait_status = wait_status };
  step(h, &event);
}

/* Booted up and ./run alive as RUN_PID, no actions pending. */
static void setup_running_with(struct harness *h, struct supervise_config const *config)
{
  setup_with(h, config);
  boot(h, WANT_UP);
  spawned(h, RUN_PID);
}

static void setup_running(struct harness *h)
{
  struct supervise_config config = default_config();
  setup_running_with(h, &config);
}

/* ./run lives ms, dies, and there is no ./finish: the restart decision is in h. */
static void run_for(struct harness *h, unsigned int ms)
{
  spawned(h, RUN_PID);
  advance_ms(h, ms);
  run_exited(h, EXITED(1));
  send_event(h, EVENT_NO_FINISH);
}

/* ---------- checking ---------- */

#define DESCRIPTION_MAX 160

/* The actions of the last step are exactly these (type, signal pairs). */
static int check_actions(struct harness const *h, unsigned int count, struct supervise_action const *expected,
                         char const *format, va_list args)
{
  char what[DESCRIPTION_MAX];
  bool same = h->actions.count == count;
  vsnprintf(what, sizeof what, format, args);
  for (unsigned int i = 0; same && i < count; i++) {
    same = h->actions.list[i].type == expected[i].type;
    if (same && (expected[i].type == ACTION_SIGNAL_RUN || expected[i].type == ACTION_SIGNAL_FINISH ||
                 expected[i].type == ACTION_SIGNAL_GROUP || expected[i].type == ACTION_SIGNAL_CGROUP))
      same = h->actions.list[i].signal == expected[i].signal;
  }
  ok(same, "%s", what);
  if (!same) {
    diag("expected %u action(s), got %u:", count, h->actions.count);
    for (unsigned int i = 0; i < h->actions.count; i++)
      diag("  action %u: type %d, signal %d", i, h->actions.list[i].type, h->actions.list[i].signal);
  }
  return same;
}

static TAP_PRINTF(4, 5) int actions_are(struct harness const *h, unsigned int count,
                                        struct supervise_action const *expected, char const *format, ...)
{
  va_list args;
  int same;
  va_start(args, format);
  same = check_actions(h, count, expected, format, args);
  va_end(args);
  return same;
}

static TAP_PRINTF(2, 3) int no_actions(struct harness const *h, char const *format, ...)
{
  va_list args;
  int same;
  va_start(args, format);
  same = check_actions(h, 0, NULL, format, args);
  va_end(args);
  return same;
}

static TAP_PRINTF(4, 5) int one_action(struct harness const *h, enum supervise_action_type type, int signal,
                                       char const *format, ...)
{
  struct supervise_action expected = { type, signal };
  va_list args;
  int same;
  va_start(args, format);
  same = check_actions(h, 1, &expected, format, args);
  va_end(args);
  return same;
}

/* Everything observable of the machine, to prove an event changed nothing. */
struct snapshot {
  enum supervise_phase phase;
  enum supervise_want want;
  bool exit_requested, paused, term_sent, ready, kill_armed, finish_kill_armed;
  pid_t pid, finish_pid;
  unsigned int crashes;
  long long deadline;
  char status[SVSTATUS_SIZE];
};

static struct snapshot take_snapshot(struct harness const *h)
{
  struct snapshot snap;
  memset(&snap, 0, sizeof snap);
  snap.phase = h->state.phase;
  snap.want = h->state.want;
  snap.exit_requested = h->state.exit_requested;
  snap.paused = h->state.paused;
  snap.term_sent = h->state.term_sent;
  snap.ready = h->state.ready;
  snap.kill_armed = h->state.kill_armed;
  snap.finish_kill_armed = h->state.finish_kill_armed;
  snap.pid = h->state.pid;
  snap.finish_pid = h->state.finish_pid;
  snap.crashes = h->state.crashes;
  snap.deadline = deadline_ms(h);
  svstatus_pack(snap.status, &h->state.status);
  return snap;
}

static bool same_snapshot(struct snapshot const *a, struct snapshot const *b)
{
  return a->phase == b->phase && a->want == b->want && a->exit_requested == b->exit_requested &&
         a->paused == b->paused && a->term_sent == b->term_sent && a->ready == b->ready &&
         a->kill_armed == b->kill_armed && a->finish_kill_armed == b->finish_kill_armed &&
         a->pid == b->pid && a->finish_pid == b->finish_pid && a->crashes == b->crashes &&
         a->deadline == b->deadline && !memcmp(a->status, b->status, sizeof a->status);
}

/* ---------- the tests ---------- */

static void test_init_and_boot(void)
{
  struct harness h;

  setup(&h);
  is_int(h.state.phase, PHASE_DOWN, "init: down");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "init: status says want down");
  is_int(h.state.status.state, SVSTATUS_DOWN, "init: status says down");
  is_int(deadline_ms(&h), -1, "init: no deadline");

  boot(&h, WANT_DOWN);
  no_actions(&h, "BOOT want down (./down exists): nothing spawned");
  is_int(h.state.phase, PHASE_DOWN, "BOOT want down: stays down");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "BOOT want down: status want 'd'");

  setup(&h);
  boot(&h, WANT_UP);
  one_action(&h, ACTION_SPAWN_RUN, 0, "BOOT want up: spawn ./run");
  is_int(h.state.phase, PHASE_STARTING, "BOOT want up: starting");
  is_int(h.state.status.want, SVSTATUS_WANT_UP, "BOOT want up: status want 'u'");
  is_int(h.state.status.pid, 0, "starting: no pid in status yet");

  advance_ms(&h, 5);
  spawned(&h, RUN_PID);
  no_actions(&h, "SPAWNED: no action");
  is_int(h.state.phase, PHASE_RUNNING, "SPAWNED: running");
  is_int(h.state.pid, RUN_PID, "SPAWNED: pid kept");
  is_uint(h.state.status.pid, RUN_PID, "SPAWNED: status pid");
  is_int(h.state.status.state, SVSTATUS_RUN, "SPAWNED: status state run");
  is_uint(h.state.status.changed.sec, h.clock.wall.sec, "SPAWNED: status changed now (seconds)");
  is_uint(h.state.status.changed.nsec, h.clock.wall.nsec, "SPAWNED: status changed now (nanoseconds)");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "SPAWNED: no reason");
  is_int(deadline_ms(&h), -1, "running, no timeout: no deadline");
}

/* Every letter of the table reaches its action, seen from a running service. */
static void test_every_letter_while_running(void)
{
  unsigned int letters = 0;
  for (unsigned int byte = 0; byte < BYTE_VALUES; byte++) {
    struct svcontrol_command const *entry = svcontrol_lookup((unsigned char)byte);
    struct supervise_action down[2] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT } };
    struct harness h;
    if (entry->action == SVCONTROL_INVALID) continue;
    letters++;
    setup_running(&h);
    command(&h, (unsigned char)byte);
    switch (entry->action) {
      case SVCONTROL_INVALID:
        break;
      case SVCONTROL_UP:
        no_actions(&h, "running, 'u': nothing to do");
        is_int(h.state.want, WANT_UP, "running, 'u': want up");
        break;
      case SVCONTROL_DOWN:
        actions_are(&h, 2, down, "running, 'd': down-signal then CONT");
        is_int(h.state.want, WANT_DOWN, "running, 'd': want down");
        is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "running, 'd': status want 'd'");
        is_int(h.state.status.term_sent, true, "running, 'd': status term flag");
        break;
      case SVCONTROL_ONCE:
        no_actions(&h, "running, 'o': nothing to do");
        is_int(h.state.want, WANT_ONCE, "running, 'o': want once");
        is_int(h.state.status.want, SVSTATUS_WANT_NOTHING, "running, 'o': status want nothing");
        break;
      case SVCONTROL_EXIT:
        no_actions(&h, "running, 'x': no exit while ./run lives");
        is_int(h.state.exit_requested, true, "running, 'x': exit remembered");
        break;
      case SVCONTROL_PAUSE:
        one_action(&h, ACTION_SIGNAL_RUN, SIGSTOP, "running, 'p': STOP");
        is_int(h.state.status.paused, true, "running, 'p': status paused");
        break;
      case SVCONTROL_CONTINUE:
        one_action(&h, ACTION_SIGNAL_RUN, SIGCONT, "running, 'c': CONT");
        is_int(h.state.status.paused, false, "running, 'c': status not paused");
        break;
      case SVCONTROL_SIGNAL:
        ok(entry->signal > 0 && h.actions.count == 1 && h.actions.list[0].type == ACTION_SIGNAL_RUN &&
           h.actions.list[0].signal == entry->signal,
           "running, '%c': ACTION_SIGNAL_RUN with signal %d", byte, entry->signal);
        is_int(h.state.phase, PHASE_RUNNING, "running, '%c': still running until it exits", byte);
        is_int(h.state.want, WANT_UP, "running, '%c': want unchanged", byte);
        break;
    }
  }
  is_int(letters, 14, "the table has 14 letters, and each was driven");
}

/* The signal letters by name: the table is not trusted to be right here. */
static void test_signal_letters(void)
{
  static struct { unsigned char letter; int signal; } const letters[] = {
    { 'h', SIGHUP }, { 'a', SIGALRM }, { 'i', SIGINT }, { 'q', SIGQUIT },
    { '1', SIGUSR1 }, { '2', SIGUSR2 }, { 't', SIGTERM }, { 'k', SIGKILL },
  };
  for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
    struct harness h;
    setup_running(&h);
    command(&h, letters[i].letter);
    ok(h.actions.count == 1 && h.actions.list[0].type == ACTION_SIGNAL_RUN &&
       h.actions.list[0].signal == letters[i].signal,
       "running, '%c' sends signal %d to ./run", letters[i].letter, letters[i].signal);
  }
  {
    struct harness h;
    setup_running(&h);
    command(&h, 't');
    is_int(h.state.status.term_sent, true, "'t': runit's term flag set");
    setup(&h);
    boot(&h, WANT_DOWN);
    command(&h, 'h');
    no_actions(&h, "down: a signal letter sends nothing (no process)");
  }
}

static void test_pause_continue(void)
{
  struct harness h;
  struct supervise_action down[2] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT } };

  setup_running(&h);
  command(&h, 'p');
  one_action(&h, ACTION_SIGNAL_RUN, SIGSTOP, "'p': STOP");
  is_int(h.state.paused, true, "'p': paused");
  is_int(h.state.status.paused, true, "'p': status paused");
  command(&h, 'c');
  one_action(&h, ACTION_SIGNAL_RUN, SIGCONT, "'c': CONT");
  is_int(h.state.paused, false, "'c': not paused");
  is_int(h.state.status.paused, false, "'c': status not paused");

  command(&h, 'p');
  command(&h, 'd');
  actions_are(&h, 2, down, "'d' while paused: TERM then CONT, so the stopped process sees TERM");
  is_int(h.state.status.paused, false, "'d' while paused: no longer paused");

  setup(&h);
  boot(&h, WANT_DOWN);
  command(&h, 'p');
  no_actions(&h, "down: 'p' sends nothing");
  is_int(h.state.status.paused, false, "down: 'p' does not mark a paused service");
}

static void test_down(void)
{
  struct harness h;
  struct supervise_config config = default_config();

  setup_running(&h);
  command(&h, 'd');
  is_int(h.state.phase, PHASE_RUNNING, "'d': running until it exits");
  is_int(deadline_ms(&h), -1, "'d' without timeout-kill: no deadline");
  command(&h, 'd');
  is_int(h.actions.count, 2, "a second 'd' signals again");
  advance_ms(&h, 10);
  run_exited(&h, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "exit after 'd': finish");
  send_event(&h, EVENT_NO_FINISH);
  no_actions(&h, "exit after 'd': no restart");
  is_int(h.state.phase, PHASE_DOWN, "exit after 'd': down");
  is_int(h.state.status.state, SVSTATUS_DOWN, "exit after 'd': status down");
  is_int(h.state.status.term_sent, false, "exit after 'd': term flag cleared");
  command(&h, 'd');
  no_actions(&h, "'d' while down: nothing to signal");

  /* down-signal other than TERM */
  config.down_signal = SIGHUP;
  setup_running_with(&h, &config);
  command(&h, 'd');
  {
    struct supervise_action expected[2] = { { ACTION_SIGNAL_RUN, SIGHUP }, { ACTION_SIGNAL_RUN, SIGCONT } };
    actions_are(&h, 2, expected, "down-signal HUP: HUP then CONT");
  }
  config.down_signal = SIGKILL;
  setup_running_with(&h, &config);
  command(&h, 'd');
  one_action(&h, ACTION_SIGNAL_RUN, SIGKILL, "down-signal KILL: KILL alone");
  config.down_signal = SIGCONT;
  setup_running_with(&h, &config);
  command(&h, 'd');
  one_action(&h, ACTION_SIGNAL_RUN, SIGCONT, "down-signal CONT: CONT once");
}

static void test_up_once_exit_when_down(void)
{
  struct harness h;

  setup(&h);
  boot(&h, WANT_DOWN);
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "down, 'u': spawn");
  is_int(h.state.want, WANT_UP, "down, 'u': want up");
  is_int(h.state.phase, PHASE_STARTING, "down, 'u': starting");

  setup(&h);
  boot(&h, WANT_DOWN);
  command(&h, 'o');
  one_action(&h, ACTION_SPAWN_RUN, 0, "down, 'o': spawn");
  is_int(h.state.want, WANT_ONCE, "down, 'o': want once");
  spawned(&h, RUN_PID);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(0));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "'o' run exits: finish");
  send_event(&h, EVENT_NO_FINISH);
  no_actions(&h, "'o' run exits: never restarted");
  is_int(h.state.phase, PHASE_DOWN, "'o' run exits: down");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "'o' run exits: status want 'd'");

  setup(&h);
  boot(&h, WANT_DOWN);
  command(&h, 'x');
  one_action(&h, ACTION_EXIT, 0, "down, 'x': exit");
  is_int(h.state.phase, PHASE_DOWN, "down, 'x': down");

  /* 'x' while running: exit once it is down, with no restart on the way. */
  setup_running(&h);
  command(&h, 'x');
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(0));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "'x', then run exits: finish first");
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_EXIT, 0, "'x', then run exits and no finish: exit, no restart");

  /* 'o' on a running service: it is not restarted when it exits. */
  setup_running(&h);
  command(&h, 'o');
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(0));
  send_event(&h, EVENT_NO_FINISH);
  no_actions(&h, "'o' while running: no restart after exit");
}

/* 242 bytes are not commands: in every phase they emit nothing and change nothing. */
static void test_invalid_bytes(void)
{
  enum { IN_DOWN, IN_RUNNING, IN_WAITING, IN_FINISHING, SETUPS };
  static char const *const setup_names[SETUPS] = { "down", "running", "waiting", "finishing" };
  for (int which = 0; which < SETUPS; which++) {
    unsigned int invalid = 0, changed = 0;
    for (unsigned int byte = 0; byte < BYTE_VALUES; byte++) {
      struct harness h;
      struct snapshot before, after;
      if (svcontrol_lookup((unsigned char)byte)->action != SVCONTROL_INVALID) continue;
      setup(&h);
      switch (which) {
        case IN_DOWN:
          boot(&h, WANT_DOWN);
          break;
        case IN_RUNNING:
          boot(&h, WANT_UP);
          spawned(&h, RUN_PID);
          command(&h, 'p');
          break;
        case IN_WAITING:
          boot(&h, WANT_UP);
          run_for(&h, SHORT_RUN_MS);
          break;
        case IN_FINISHING:
          boot(&h, WANT_UP);
          spawned(&h, RUN_PID);
          run_exited(&h, EXITED(0));
          finish_spawned(&h, FINISH_PID);
          break;
      }
      before = take_snapshot(&h);
      command(&h, (unsigned char)byte);
      after = take_snapshot(&h);
      invalid++;
      if (h.actions.count || !same_snapshot(&before, &after)) {
        changed++;
        diag("byte %u changed the %s state or emitted %u action(s)", byte, setup_names[which], h.actions.count);
      }
    }
    is_int(invalid, BYTE_VALUES - 14, "%s: all 242 non-command bytes tried", setup_names[which]);
    is_int(changed, 0, "%s: no non-command byte emits or changes anything", setup_names[which]);
  }
}

static void test_exit_and_restart(void)
{
  struct harness h;
  long long started;

  setup_running(&h);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(3));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "RUN_EXITED: spawn ./finish");
  is_int(h.state.phase, PHASE_FINISH_STARTING, "RUN_EXITED: finish starting");
  is_int(h.state.status.state, SVSTATUS_FINISH, "RUN_EXITED: status finish");
  is_uint(h.state.status.pid, 0, "RUN_EXITED: status pid 0");
  is_int(h.state.status.has_exited, true, "RUN_EXITED: status has the exit");
  is_int(h.state.status.last_wait_status, EXITED(3), "RUN_EXITED: status keeps the wait status");
  is_uint(h.state.status.changed.sec, h.clock.wall.sec, "RUN_EXITED: status changed now");

  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "NO_FINISH after a long run: restart at once");
  is_int(h.state.phase, PHASE_STARTING, "NO_FINISH after a long run: starting");

  /* Exactly the minimum interval counts as a good run. */
  setup(&h);
  boot(&h, WANT_UP);
  run_for(&h, RESTART_MIN_INTERVAL_MS);
  one_action(&h, ACTION_SPAWN_RUN, 0, "a run of exactly 1 s: restart at once");

  /* A quick death: wait until 1 s after the last start. */
  setup(&h);
  boot(&h, WANT_UP);
  started = now_ms(&h);
  advance_ms(&h, 20);
  run_for(&h, SHORT_RUN_MS);
  no_actions(&h, "a run of 0.3 s: no restart yet");
  is_int(h.state.phase, PHASE_WAITING, "a run of 0.3 s: waiting");
  is_int(deadline_ms(&h), started + RESTART_MIN_INTERVAL_MS, "deadline exactly 1 s after the last start");
  is_int(h.state.status.reason, SVSTATUS_REASON_THROTTLED, "waiting: status reason throttled");
  is_int(h.state.status.state, SVSTATUS_DOWN, "waiting: status down");
  is_int(h.state.status.want, SVSTATUS_WANT_UP, "waiting: status still wants up");

  advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h) - 1));
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "TIMER 1 ms early: nothing");
  is_int(h.state.phase, PHASE_WAITING, "TIMER 1 ms early: still waiting");
  advance_ms(&h, 1);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SPAWN_RUN, 0, "TIMER at the deadline: spawn");
  is_int(h.state.phase, PHASE_STARTING, "TIMER at the deadline: starting");
  spawned(&h, RUN_PID);
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "spawned again: reason cleared");

  /* 'd' while waiting cancels the restart; 'u' while waiting starts at once. */
  setup(&h);
  boot(&h, WANT_UP);
  run_for(&h, SHORT_RUN_MS);
  command(&h, 'd');
  no_actions(&h, "'d' while waiting: nothing to signal");
  is_int(h.state.phase, PHASE_DOWN, "'d' while waiting: down");
  is_int(deadline_ms(&h), -1, "'d' while waiting: no deadline");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "'d' while waiting: reason cleared");
  setup(&h);
  boot(&h, WANT_UP);
  run_for(&h, SHORT_RUN_MS);
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "'u' while waiting: start now");
}

static void test_backoff_function(void)
{
  static unsigned int const expected[] = { 1000, 1000, 1000, 1000, 2000, 4000, 8000, 16000, 30000, 30000 };
  unsigned int previous = 0;
  bool monotonic = true, capped = true;

  for (unsigned int crashes = 0; crashes < sizeof expected / sizeof expected[0]; crashes++)
    is_int(supervise_restart_delay_ms(crashes), expected[crashes], "restart delay after %u crash(es)", crashes);
  for (unsigned int crashes = 1; crashes <= RESTART_FREE_CRASHES; crashes++)
    is_int(supervise_restart_delay_ms(crashes), RESTART_MIN_INTERVAL_MS,
           "crash %u of the first RESTART_FREE_CRASHES: minimum interval", crashes);
  is_int(supervise_restart_delay_ms(RESTART_FREE_CRASHES + 1), 2 * RESTART_MIN_INTERVAL_MS,
         "the crash after the free ones: doubled");
  for (unsigned int crashes = 0; crashes < 200; crashes++) {
    unsigned int delay = supervise_restart_delay_ms(crashes);
    if (delay < previous) monotonic = false;
    if (delay > RESTART_MAX_DELAY_MS) capped = false;
    previous = delay;
  }
  ok(monotonic, "the delay never shrinks as crashes add up");
  ok(capped, "the delay never exceeds RESTART_MAX_DELAY_MS");
  is_int(supervise_restart_delay_ms(~0u), RESTART_MAX_DELAY_MS, "UINT_MAX crashes: the cap");
}

/* Quick crashes in a row through the machine: each restart waits the backoff. */
static void test_backoff_in_machine(void)
{
  struct harness h;

  setup(&h);
  boot(&h, WANT_UP);
  for (unsigned int crash = 1; crash <= RESTART_FREE_CRASHES + 3; crash++) {
    long long started = now_ms(&h);
    run_for(&h, SHORT_RUN_MS);
    is_int(h.state.phase, PHASE_WAITING, "crash %u: waiting", crash);
    is_int(deadline_ms(&h) - started, supervise_restart_delay_ms(crash),
           "crash %u: restart %u ms after the last start", crash, supervise_restart_delay_ms(crash));
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
    one_action(&h, ACTION_SPAWN_RUN, 0, "crash %u: TIMER at the deadline spawns", crash);
  }
  /* Crash 6 waited 8 s. A good run resets the count: the next crash waits 1 s. */
  run_for(&h, LONG_RUN_MS);
  one_action(&h, ACTION_SPAWN_RUN, 0, "a run of a minute after crashes: restart at once");
  is_int(h.state.crashes, 0, "a run of a minute resets the crash count");
  {
    long long started = now_ms(&h);
    run_for(&h, SHORT_RUN_MS);
    is_int(deadline_ms(&h) - started, RESTART_MIN_INTERVAL_MS, "the crash after a good run waits 1 s again");
  }

  /* A run that lived a month is a good run too, whatever the ms arithmetic. */
  setup(&h);
  boot(&h, WANT_UP);
  for (int good_run = 0; good_run < RESTART_FREE_CRASHES + 2; good_run++) {
    run_for(&h, MONTH_MS);
    if (h.actions.count != 1) break;
  }
  one_action(&h, ACTION_SPAWN_RUN, 0, "a run of a month: restart at once");
  is_int(h.state.crashes, 0, "runs of a month are not counted as crashes");
  {
    long long started = now_ms(&h);
    run_for(&h, SHORT_RUN_MS);
    is_int(deadline_ms(&h) - started, RESTART_MIN_INTERVAL_MS,
           "a crash after month-long runs waits 1 s, not a backoff");
  }

  /* An explicit 'u' forgives past crashes. */
  setup(&h);
  boot(&h, WANT_UP);
  for (int crash = 0; crash < RESTART_FREE_CRASHES + 2; crash++) {
    run_for(&h, SHORT_RUN_MS);
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
  }
  spawned(&h, RUN_PID);
  command(&h, 'd');
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "'u' after a crash streak: start now");
  is_int(h.state.crashes, 0, "'u' resets the crash count");
}

static void test_finish(void)
{
  struct harness h;
  struct supervise_config config = default_config();

  setup_running(&h);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  no_actions(&h, "FINISH_SPAWNED: no action");
  is_int(h.state.phase, PHASE_FINISHING, "FINISH_SPAWNED: finishing");
  is_int(h.state.finish_pid, FINISH_PID, "FINISH_SPAWNED: finish pid kept");
  is_int(h.state.status.state, SVSTATUS_FINISH, "finishing: status finish");
  is_int(deadline_ms(&h), -1, "timeout-finish 0: finish may run forever");
  advance_ms(&h, 10);
  finish_exited(&h, EXITED(0));
  one_action(&h, ACTION_SPAWN_RUN, 0, "finish exits 0: restart");

  setup_running(&h);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  finish_exited(&h, EXITED(FINISH_EXIT_NO_RESTART));
  no_actions(&h, "finish exits 125: no restart");
  is_int(h.state.phase, PHASE_DOWN, "finish exits 125: down");
  is_int(h.state.want, WANT_DOWN, "finish exits 125: want down");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "finish exits 125: status want 'd'");
  is_int(h.state.status.reason, SVSTATUS_REASON_FINISH_SAID_STOP, "finish exits 125: reason FINISH_SAID_STOP");
  is_int(deadline_ms(&h), -1, "finish exits 125: nothing scheduled");

  /* A finish killed by a signal did not say "exit 125": restart as usual. */
  setup_running(&h);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  finish_exited(&h, KILLED_BY(SIGKILL));
  one_action(&h, ACTION_SPAWN_RUN, 0, "finish killed: restart");

  /* timeout-finish arms the finish kill. */
  config.timeout_finish_ms = TIMEOUT_FINISH_MS;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(1));
  advance_ms(&h, 7);
  finish_spawned(&h, FINISH_PID);
  is_int(deadline_ms(&h), now_ms(&h) + TIMEOUT_FINISH_MS, "timeout-finish: deadline after the finish started");
  advance_ms(&h, TIMEOUT_FINISH_MS - 1);
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "timeout-finish: nothing 1 ms early");
  advance_ms(&h, 1);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SIGNAL_FINISH, SIGKILL, "timeout-finish: SIGKILL to ./finish at the deadline");
  is_int(deadline_ms(&h), -1, "timeout-finish: killed once, disarmed");
  finish_exited(&h, KILLED_BY(SIGKILL));
  one_action(&h, ACTION_SPAWN_RUN, 0, "killed finish: restart");
}

static void test_timeout_kill(void)
{
  struct harness h;
  struct supervise_config config = default_config();
  long long down_at;

  config.timeout_kill_ms = TIMEOUT_KILL_MS;
  setup_running_with(&h, &config);
  is_int(deadline_ms(&h), -1, "timeout-kill: not armed before 'd'");
  advance_ms(&h, 50);
  down_at = now_ms(&h);
  command(&h, 'd');
  is_int(deadline_ms(&h), down_at + TIMEOUT_KILL_MS, "'d' arms the kill at timeout-kill");
  advance_ms(&h, 1000);
  command(&h, 'd');
  is_int(deadline_ms(&h), down_at + TIMEOUT_KILL_MS, "a second 'd' does not push the kill back");
  advance_ms(&h, (unsigned int)(down_at + TIMEOUT_KILL_MS - now_ms(&h) - 1));
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "timeout-kill: nothing 1 ms early");
  advance_ms(&h, 1);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SIGNAL_RUN, SIGKILL, "TIMER at timeout-kill: SIGKILL");
  is_int(deadline_ms(&h), -1, "after the SIGKILL: no deadline");
  run_exited(&h, KILLED_BY(SIGKILL));
  send_event(&h, EVENT_NO_FINISH);
  no_actions(&h, "killed after 'd': stays down");

  /* An exit before the deadline disarms it. */
  setup_running_with(&h, &config);
  command(&h, 'd');
  run_exited(&h, KILLED_BY(SIGTERM));
  is_int(h.state.kill_armed, false, "exit before timeout-kill: disarmed");
  send_event(&h, EVENT_NO_FINISH);
  command(&h, 'u');
  spawned(&h, RUN_PID);
  is_int(deadline_ms(&h), -1, "the next run has no stale kill deadline");
}

static void test_terminate(void)
{
  struct harness h;
  struct supervise_action down[2] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT } };

  setup_running(&h);
  send_event(&h, EVENT_TERMINATE);
  actions_are(&h, 2, down, "TERMINATE while running: down-signal then CONT, no exit yet");
  is_int(h.state.want, WANT_DOWN, "TERMINATE: want down");
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "TERMINATE, run exits: finish");
  finish_spawned(&h, FINISH_PID);
  no_actions(&h, "TERMINATE, finish running: wait for it");
  finish_exited(&h, EXITED(0));
  one_action(&h, ACTION_EXIT, 0, "TERMINATE, finish done: exit, no restart");

  setup_running(&h);
  send_event(&h, EVENT_TERMINATE);
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_EXIT, 0, "TERMINATE, run exits, no finish: exit");

  setup(&h);
  boot(&h, WANT_DOWN);
  send_event(&h, EVENT_TERMINATE);
  one_action(&h, ACTION_EXIT, 0, "TERMINATE while down: exit at once");

  setup(&h);
  boot(&h, WANT_UP);
  run_for(&h, SHORT_RUN_MS);
  send_event(&h, EVENT_TERMINATE);
  one_action(&h, ACTION_EXIT, 0, "TERMINATE while waiting to restart: exit at once");
}

static void test_spawn_failed(void)
{
  struct harness h;
  long long started;

  setup(&h);
  boot(&h, WANT_UP);
  started = now_ms(&h);
  spawn_failed(&h, SVSTATUS_REASON_RUN_MISSING);
  no_actions(&h, "SPAWN_FAILED: no immediate retry");
  is_int(h.state.phase, PHASE_WAITING, "SPAWN_FAILED: waiting");
  is_int(h.state.status.reason, SVSTATUS_REASON_RUN_MISSING, "SPAWN_FAILED: status says run is missing");
  is_int(h.state.status.state, SVSTATUS_DOWN, "SPAWN_FAILED: status down");
  is_int(h.state.status.want, SVSTATUS_WANT_UP, "SPAWN_FAILED: still wants up");
  is_int(deadline_ms(&h), started + RESTART_MIN_INTERVAL_MS, "SPAWN_FAILED: retry 1 s after the attempt");

  advance_ms(&h, RESTART_MIN_INTERVAL_MS);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SPAWN_RUN, 0, "retry at the deadline");
  is_int(h.state.status.reason, SVSTATUS_REASON_RUN_MISSING, "retrying: reason kept until a spawn works");

  for (unsigned int failure = 2; failure <= RESTART_FREE_CRASHES + 1; failure++) {
    started = now_ms(&h);
    spawn_failed(&h, SVSTATUS_REASON_RUN_MISSING);
    is_int(deadline_ms(&h) - started, supervise_restart_delay_ms(failure),
           "failure %u: retry after %u ms", failure, supervise_restart_delay_ms(failure));
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
  }
  ok(supervise_restart_delay_ms(RESTART_FREE_CRASHES + 1) > RESTART_MIN_INTERVAL_MS,
     "a run that stays missing is retried less and less often");

  spawn_failed(&h, SVSTATUS_REASON_RUN_NOT_EXECUTABLE);
  is_int(h.state.status.reason, SVSTATUS_REASON_RUN_NOT_EXECUTABLE, "a new failure's reason replaces the old");
  advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
  send_event(&h, EVENT_TIMER);
  spawned(&h, RUN_PID);
  is_int(h.state.phase, PHASE_RUNNING, "once ./run appears: running");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "once ./run appears: reason cleared");

  /* 'o' with a missing ./run tries once and stays down. */
  setup(&h);
  boot(&h, WANT_DOWN);
  command(&h, 'o');
  spawn_failed(&h, SVSTATUS_REASON_RUN_MISSING);
  no_actions(&h, "'o' and SPAWN_FAILED: no retry");
  is_int(h.state.phase, PHASE_DOWN, "'o' and SPAWN_FAILED: down");
  is_int(h.state.status.reason, SVSTATUS_REASON_RUN_MISSING, "'o' and SPAWN_FAILED: reason kept");
}

/* An event that belongs to another phase changes nothing. */
/* A late timer or a stray newline changes nothing. Any other event the
   supervisor could not have sent in this phase is a bug: step says so
   (the supervisor exits 101), and changes nothing either. */
static void check_stray(struct harness *h, struct supervise_event const *event, char const *what)
{
  struct snapshot before = take_snapshot(h);
  struct snapshot after;
  bool harmless = event->type == EVENT_READY || event->type == EVENT_TIMER || event->type == EVENT_NEEDS_READY;
  step(h, event);
  after = take_snapshot(h);
  no_actions(h, "%s", what);
  ok(same_snapshot(&before, &after), "%s: state and status unchanged", what);
  ok(h->stepped == harmless, "%s: %s", what, harmless ? "not a bug" : "reported as a bug");
}

static void test_stray_events(void)
{
  struct harness h;
  struct supervise_event run_exit = { .type = EVENT_RUN_EXITED, .wait_status = EXITED(1) };
  struct supervise_event finish_exit = { .type = EVENT_FINISH_EXITED, .wait_status = EXITED(FINISH_EXIT_NO_RESTART) };
  struct supervise_event ready = { .type = EVENT_READY };
  struct supervise_event spawn = { .type = EVENT_SPAWNED, .pid = RUN_PID + 1 };
  struct supervise_event failed = { .type = EVENT_SPAWN_FAILED, .reason = SVSTATUS_REASON_RUN_MISSING };
  struct supervise_event finish_spawn = { .type = EVENT_FINISH_SPAWNED, .pid = FINISH_PID };
  struct supervise_event no_finish = { .type = EVENT_NO_FINISH };
  struct supervise_event timer = { .type = EVENT_TIMER };

  setup(&h);
  boot(&h, WANT_DOWN);
  advance_ms(&h, 100);
  check_stray(&h, &run_exit, "RUN_EXITED while down");
  check_stray(&h, &ready, "READY while down");
  check_stray(&h, &spawn, "SPAWNED while down");
  check_stray(&h, &failed, "SPAWN_FAILED while down");
  check_stray(&h, &finish_exit, "FINISH_EXITED while down");
  check_stray(&h, &no_finish, "NO_FINISH while down");
  check_stray(&h, &timer, "TIMER while down");

  setup_running(&h);
  advance_ms(&h, 100);
  check_stray(&h, &finish_exit, "FINISH_EXITED while running");
  check_stray(&h, &spawn, "SPAWNED while running");
  check_stray(&h, &failed, "SPAWN_FAILED while running");
  check_stray(&h, &finish_spawn, "FINISH_SPAWNED while running");
  check_stray(&h, &no_finish, "NO_FINISH while running");
  check_stray(&h, &timer, "TIMER while running, nothing armed");

  setup_running(&h);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  advance_ms(&h, 100);
  check_stray(&h, &run_exit, "RUN_EXITED while finishing");
  check_stray(&h, &ready, "READY while finishing");
  check_stray(&h, &spawn, "SPAWNED while finishing");

  /* Boot twice, or a command while a spawn is being reported. */
  setup_running(&h);
  check_stray(&h, &(struct supervise_event){ .type = EVENT_BOOT, .initial_want = WANT_UP }, "BOOT while running");
  check_stray(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .pid = RUN_PID }, "ADOPT while running");
  setup(&h);
  boot(&h, WANT_UP);
  check_stray(&h, &(struct supervise_event){ .type = EVENT_COMMAND, .command = svcontrol_lookup('d') }, "COMMAND while starting");
  check_stray(&h, &(struct supervise_event){ .type = EVENT_TERMINATE }, "TERMINATE while starting");
  spawned(&h, RUN_PID);
  ok(h.stepped, "the expected SPAWNED after them is no bug");
}

/* sd_notify's MAINPID=: a forking daemon's real process becomes the run
   that is signalled, shown and waited for; said in any other phase it is
   too late (or too early) and changes nothing. */
static void test_main_pid(void)
{
  struct harness h;
  struct supervise_event main_pid = { .type = EVENT_MAIN_PID, .pid = RUN_PID + 7 };
  struct snapshot before, after;

  setup_running(&h);
  h.state.status.pid_start_time = 12345;
  step(&h, &main_pid);
  ok(h.stepped, "MAINPID while running: no bug");
  no_actions(&h, "MAINPID: no action");
  is_int(h.state.pid, RUN_PID + 7, "MAINPID: the named process is the run now");
  is_uint(h.state.status.pid, RUN_PID + 7, "MAINPID: the status names it");
  is_uint(h.state.status.pid_start_time, 0, "MAINPID: the old run's start time is not kept for it");
  is_int(h.state.phase, PHASE_RUNNING, "MAINPID: still running");
  command(&h, 't');
  one_action(&h, ACTION_SIGNAL_RUN, SIGTERM, "MAINPID: svc -t reaches it");
  run_exited(&h, EXITED(0));
  is_int(h.state.phase, PHASE_FINISH_STARTING, "MAINPID: its exit is the service's");

  /* Naming the run itself, or nothing: unchanged. */
  setup_running(&h);
  before = take_snapshot(&h);
  step(&h, &(struct supervise_event){ .type = EVENT_MAIN_PID, .pid = RUN_PID });
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "MAINPID naming the run: unchanged");
  step(&h, &(struct supervise_event){ .type = EVENT_MAIN_PID, .pid = 0 });
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "MAINPID 0: unchanged");

  /* Down, finishing, held: too late or too early. */
  setup(&h);
  boot(&h, WANT_DOWN);
  before = take_snapshot(&h);
  step(&h, &main_pid);
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "MAINPID while down: unchanged");
  no_actions(&h, "MAINPID while down: no action");
  setup_running(&h);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  before = take_snapshot(&h);
  step(&h, &main_pid);
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "MAINPID while finishing: unchanged");
  is_int(h.state.finish_pid, FINISH_PID, "MAINPID while finishing: ./finish still watched");
}

static void test_ready(void)
{
  struct harness h;
  struct svtime first;

  setup_running(&h);
  is_int(h.state.status.ready, false, "just spawned: not ready");
  advance_ms(&h, 250);
  send_event(&h, EVENT_READY);
  no_actions(&h, "READY: no action");
  is_int(h.state.ready, true, "READY while running: ready");
  is_int(h.state.status.ready, true, "READY while running: status ready");
  is_uint(h.state.status.ready_at.sec, h.clock.wall.sec, "READY: ready_at is now (seconds)");
  is_uint(h.state.status.ready_at.nsec, h.clock.wall.nsec, "READY: ready_at is now (nanoseconds)");
  first = h.state.status.ready_at;
  advance_ms(&h, 2000);
  send_event(&h, EVENT_READY);
  ok(h.state.status.ready_at.sec == first.sec && h.state.status.ready_at.nsec == first.nsec,
     "a second READY keeps the first ready_at");
  run_exited(&h, EXITED(0));
  is_int(h.state.status.ready, false, "after the run exits: not ready");
}

/* A run left by a killed supervisor is adopted: running at once, no
   spawn; its exit has no wait status; its death is no crash. */
static void test_adopt(void)
{
  struct harness h;
  struct supervise_event adopt = { .type = EVENT_ADOPT, .pid = RUN_PID, .initial_want = WANT_UP };
  struct supervise_event exited = { .type = EVENT_RUN_EXITED, .exit_unknown = true };
  setup(&h);
  h.state.status.ready = true;
  step(&h, &adopt);
  no_actions(&h, "adopt: no spawn");
  is_int(h.state.phase, PHASE_RUNNING, "adopt: running");
  is_int(h.state.pid, RUN_PID, "adopt: the adopted pid");
  is_uint(h.state.status.pid, RUN_PID, "adopt: status names it");
  ok(h.state.ready, "adopt: readiness the previous supervisor saw is kept");
  command(&h, 't');
  one_action(&h, ACTION_SIGNAL_RUN, SIGTERM, "adopt: commands reach the adopted run");
  advance_ms(&h, SHORT_RUN_MS);
  step(&h, &exited);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "adopted run exits: finish");
  ok(!h.state.status.has_exited, "adopted run exits: no wait status claimed");
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "adopted run that dies soon after adoption restarts at once: not a crash");
  is_uint(h.state.crashes, 0, "adopt: crash count untouched");
  setup(&h);
  send_event(&h, EVENT_BOOT);
  spawned(&h, RUN_PID);
  step(&h, &adopt);
  is_int(h.state.pid, RUN_PID, "adopt is ignored unless the supervisor has just started");
  ok(!h.stepped, "adopt after the start is a bug");

  /* svc -p, then the supervisor is replaced: the run is still stopped. */
  setup(&h);
  step(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .pid = RUN_PID, .initial_want = WANT_DOWN, .paused = true });
  ok(h.state.paused && h.state.status.paused, "adopt a paused run: paused, in the status too");
  is_int(h.state.want, WANT_DOWN, "adopt: the previous want is kept");
  command(&h, 'c');
  ok(!h.state.status.paused, "adopted and paused, then c: not paused");
}

/* Every status says whether a successor keeps its want: yes, until the
   supervisor is asked to exit (x, or TERM). */
static void test_live(void)
{
  struct harness h;
  setup_running(&h);
  ok(h.state.status.live, "running: the status is live (a successor keeps want and paused)");
  command(&h, 'd');
  ok(h.state.status.live, "after d: still live, so d survives a kill -9 of the supervisor");
  command(&h, 'x');
  ok(!h.state.status.live, "after x: not live (./down decides for a successor)");
  setup_running(&h);
  send_event(&h, EVENT_TERMINATE);
  ok(!h.state.status.live, "after TERM: not live");
}

/* needs/: a start the supervisor holds, and lets go once the needs are ready. */
static void test_held(void)
{
  struct harness h;
  struct supervise_event held = { .type = EVENT_HELD };
  struct supervise_event needs_ready = { .type = EVENT_NEEDS_READY };

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &held);
  ok(h.stepped, "HELD after a spawn was asked: no bug");
  no_actions(&h, "HELD: nothing started");
  is_int(h.state.phase, PHASE_HELD, "HELD: held");
  is_int(h.state.status.state, SVSTATUS_DOWN, "HELD: status down");
  is_int(h.state.status.want, SVSTATUS_WANT_UP, "HELD: still wants up");
  is_int(h.state.status.reason, SVSTATUS_REASON_NEEDS, "HELD: status says it waits for its needs");
  is_int(deadline_ms(&h), -1, "HELD: no deadline (the wait is for events)");
  command(&h, 'u');
  no_actions(&h, "HELD, 'u': nothing more to do");
  is_int(h.state.phase, PHASE_HELD, "HELD, 'u': still held");
  command(&h, 't');
  no_actions(&h, "HELD, 't': no run to signal");
  advance_ms(&h, 5 * RESTART_MAX_DELAY_MS);
  send_event(&h, EVENT_NEEDS_READY);
  one_action(&h, ACTION_SPAWN_RUN, 0, "NEEDS_READY: ./run is started");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "NEEDS_READY: the reason goes");
  spawned(&h, RUN_PID);
  is_int(h.state.phase, PHASE_RUNNING, "then running");
  is_int(h.state.crashes, 0, "a hold is no crash");

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &held);
  command(&h, 'd');
  no_actions(&h, "HELD, 'd': nothing to stop");
  is_int(h.state.phase, PHASE_DOWN, "HELD, 'd': down");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "HELD, 'd': no reason left");
  step(&h, &needs_ready);
  no_actions(&h, "NEEDS_READY after 'd': nothing starts");
  ok(h.stepped, "NEEDS_READY after 'd': no bug (it may cross the command)");

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &held);
  command(&h, 'o');
  is_int(h.state.phase, PHASE_HELD, "HELD, 'o': still held");
  step(&h, &needs_ready);
  one_action(&h, ACTION_SPAWN_RUN, 0, "HELD, 'o', then NEEDS_READY: started once");
  is_int(h.state.status.want, SVSTATUS_WANT_NOTHING, "... wanting once");

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &held);
  send_event(&h, EVENT_TERMINATE);
  one_action(&h, ACTION_EXIT, 0, "HELD, TERM: the supervisor exits at once");

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &held);
  command(&h, 'x');
  one_action(&h, ACTION_EXIT, 0, "HELD, 'x': exits at once");

  setup_running(&h);
  check_stray(&h, &held, "HELD while running");
  setup(&h);
  boot(&h, WANT_DOWN);
  check_stray(&h, &held, "HELD while down");
  check_stray(&h, &needs_ready, "NEEDS_READY while down");
}

/* A oneshot: ./up runs once per transition to up, ./down (as its finish)
   once per transition to down; no process while up. */
static void test_oneshot(void)
{
  struct harness h;
  struct supervise_event up_spawned = { .type = EVENT_SPAWNED, .pid = RUN_PID, .oneshot = true };

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  is_int(h.state.phase, PHASE_RUNNING, "oneshot: ./up running");
  ok(!h.state.ready, "oneshot: not ready while ./up runs");
  advance_ms(&h, 50);
  run_exited(&h, EXITED(0));
  no_actions(&h, "oneshot: ./up exits 0: nothing to do");
  is_int(h.state.phase, PHASE_ONESHOT_UP, "oneshot: up, no process");
  is_int(h.state.status.state, SVSTATUS_RUN, "oneshot: status up");
  is_int(h.state.status.pid, 0, "oneshot: no pid");
  ok(h.state.status.ready, "oneshot: ready");
  is_int(deadline_ms(&h), -1, "oneshot up: no deadline, however quick ./up was");
  command(&h, 'u');
  no_actions(&h, "oneshot up, 'u': already up, ./up does not run again");
  command(&h, 't');
  no_actions(&h, "oneshot up, 't': no process to signal");
  command(&h, 'd');
  one_action(&h, ACTION_SPAWN_FINISH, 0, "oneshot up, 'd': ./down runs (as its finish)");
  ok(!h.state.status.ready, "oneshot going down: not ready");
  finish_spawned(&h, FINISH_PID);
  finish_exited(&h, EXITED(0));
  no_actions(&h, "./down done: no restart");
  is_int(h.state.phase, PHASE_DOWN, "oneshot down");
  is_int(h.state.status.state, SVSTATUS_DOWN, "oneshot down: status down");
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "'u' again: ./up runs again");

  /* Left up by a supervisor killed or handed over: taken as up, ./up not run again. */
  setup(&h);
  h.state.status.ready = true;
  step(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .oneshot = true, .initial_want = WANT_UP });
  ok(h.stepped, "oneshot adopted: no bug");
  no_actions(&h, "oneshot adopted: ./up does not run again");
  is_int(h.state.phase, PHASE_ONESHOT_UP, "oneshot adopted: up, no process");
  is_int(h.state.status.pid, 0, "oneshot adopted: no pid");
  ok(h.state.status.ready, "oneshot adopted: ready");
  command(&h, 'd');
  one_action(&h, ACTION_SPAWN_FINISH, 0, "oneshot adopted, 'd': its ./down runs");

  /* Its ./up still running when the supervisor before was killed: adopted
     as ./up; its exit status is unknown, so "up failed", no finish, no
     second ./up. */
  setup(&h);
  step(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .oneshot = true, .pid = RUN_PID, .initial_want = WANT_UP });
  is_int(h.state.phase, PHASE_RUNNING, "oneshot's ./up adopted: running");
  ok(h.state.oneshot, "oneshot's ./up adopted: known as ./up");
  step(&h, &(struct supervise_event){ .type = EVENT_RUN_EXITED, .exit_unknown = true });
  no_actions(&h, "adopted ./up exits: no finish, no second ./up");
  is_int(h.state.phase, PHASE_DOWN, "adopted ./up exits: down");
  is_int(h.state.status.reason, SVSTATUS_REASON_UP_FAILED, "adopted ./up exits: up failed (its status is unknown)");

  /* ./up fails: down and failed, no retry until svc -u. */
  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  run_exited(&h, EXITED(3));
  no_actions(&h, "./up exits 3: no finish, no retry");
  is_int(h.state.phase, PHASE_DOWN, "./up failed: down");
  is_int(h.state.status.reason, SVSTATUS_REASON_UP_FAILED, "./up failed: the status says so");
  ok(h.state.status.has_exited && WEXITSTATUS(h.state.status.last_wait_status) == 3, "./up failed: its exit code kept");
  is_int(deadline_ms(&h), -1, "./up failed: no retry scheduled");
  advance_ms(&h, 5 * RESTART_MAX_DELAY_MS);
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "./up failed: the timer never retries");
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "./up failed, 'u': tried again");
  step(&h, &up_spawned);
  run_exited(&h, KILLED_BY(SIGKILL));
  is_int(h.state.status.reason, SVSTATUS_REASON_UP_FAILED, "./up killed: failed too");

  /* Asked down while ./up runs: once it succeeds, ./down runs. */
  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  command(&h, 'd');
  run_exited(&h, EXITED(0));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "'d' during ./up: ./down runs after it");

  /* TERM while up: ./down, then the supervisor exits. */
  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  run_exited(&h, EXITED(0));
  send_event(&h, EVENT_TERMINATE);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "TERM while up: ./down runs");
  finish_spawned(&h, FINISH_PID);
  finish_exited(&h, EXITED(0));
  one_action(&h, ACTION_EXIT, 0, "then the supervisor exits");

  /* A plain run after a oneshot (the dir changed): the usual life again. */
  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  run_exited(&h, EXITED(1));
  command(&h, 'u');
  spawned(&h, RUN_PID);
  ok(!h.state.oneshot, "a run spawned after a oneshot is a plain run");
  run_exited(&h, EXITED(1));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "and its exit goes through ./finish");

  setup(&h);
  boot(&h, WANT_UP);
  step(&h, &up_spawned);
  run_exited(&h, EXITED(0));
  check_stray(&h, &(struct supervise_event){ .type = EVENT_RUN_EXITED, .wait_status = 0 }, "RUN_EXITED while a oneshot is up");
  check_stray(&h, &(struct supervise_event){ .type = EVENT_READY }, "READY while a oneshot is up");
}

/* kill-process-group: stops reach the run's whole group, and the stop
   waits, bounded, for the group to empty before ./finish and a restart. */
static void test_kill_group(void)
{
  struct harness h;
  struct supervise_config config = default_config();
  struct supervise_action group_down[2] = { { ACTION_SIGNAL_GROUP, SIGTERM }, { ACTION_SIGNAL_GROUP, SIGCONT } };
  struct supervise_action kill_and_look[2] = { { ACTION_SIGNAL_GROUP, SIGKILL }, { ACTION_CHECK_GROUP, 0 } };
  struct supervise_event group_empty = { .type = EVENT_GROUP_EMPTY };
  struct snapshot before, after;
  long long down_at, exited_at;

  config.kill_group = true;
  setup_running_with(&h, &config);
  is_int(h.state.group, RUN_PID, "kill-group: the run leads its group (spawned with setsid)");
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 'd');
  actions_are(&h, 2, group_down, "kill-group 'd': down-signal and CONT to the group");
  exited_at = now_ms(&h);
  run_exited_group_left(&h, KILLED_BY(SIGTERM));
  no_actions(&h, "run exits, group left, already signalled: no second signal, no finish yet");
  is_int(h.state.phase, PHASE_GROUP_STOPPING, "run exits, group left: waiting for the group");
  is_int(h.state.status.state, SVSTATUS_FINISH, "waiting for the group: status not down yet (finish)");
  is_uint(h.state.status.pid, 0, "waiting for the group: no pid in the status");
  is_int(deadline_ms(&h), exited_at + GROUP_POLL_MS, "waiting for the group: next look in GROUP_POLL_MS");
  advance_ms(&h, GROUP_POLL_MS);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_CHECK_GROUP, 0, "poll: look at the group");
  is_int(deadline_ms(&h), now_ms(&h) + GROUP_POLL_MS, "poll: the next look is armed");
  command(&h, 'u');
  no_actions(&h, "'u' while the group stops: nothing started yet");
  is_int(h.state.want, WANT_UP, "'u' while the group stops: want up");
  command(&h, 'd');
  no_actions(&h, "'d' while the group stops: nothing more to signal");
  command(&h, 'k');
  one_action(&h, ACTION_SIGNAL_GROUP, SIGKILL, "'k' while the group stops: SIGKILL to the group");
  command(&h, 'h');
  no_actions(&h, "'h' while the group stops: no run to signal");
  step(&h, &group_empty);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "group empty: ./finish");
  ok(h.stepped, "GROUP_EMPTY in its phase: no bug");
  send_event(&h, EVENT_NO_FINISH);
  no_actions(&h, "down asked: stays down once the group is gone");
  is_int(h.state.phase, PHASE_DOWN, "down");
  is_int(deadline_ms(&h), -1, "down: no deadline, no more looks (idle means no wakeups)");

  /* The group already empty at the run's exit: no wait at all. */
  setup_running_with(&h, &config);
  command(&h, 'd');
  run_exited(&h, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "run exits, group empty: ./finish at once");

  /* A run that dies on its own leaves a listener behind: it is part of
     the service, stopped before the restart, so the port is free again. */
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  run_exited_group_left(&h, EXITED(1));
  actions_are(&h, 2, group_down, "run crashed, group left: the rest gets the down-signal and CONT");
  advance_ms(&h, GROUP_POLL_MS);
  send_event(&h, EVENT_TIMER);
  step(&h, &group_empty);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "the rest gone: ./finish");
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "then the restart");

  /* Bounded: timeout-kill (armed by 'd') then SIGKILL, then a grace, then on. */
  config.timeout_kill_ms = TIMEOUT_KILL_MS;
  setup_running_with(&h, &config);
  down_at = now_ms(&h);
  command(&h, 'd');
  advance_ms(&h, 100);
  run_exited_group_left(&h, KILLED_BY(SIGTERM));
  while (now_ms(&h) + GROUP_POLL_MS < down_at + TIMEOUT_KILL_MS) {
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
    if (h.actions.count != 1 || h.actions.list[0].type != ACTION_CHECK_GROUP) break;
  }
  is_int(h.state.phase, PHASE_GROUP_STOPPING, "a group that ignores the down-signal: still waited for");
  is_int(deadline_ms(&h), down_at + TIMEOUT_KILL_MS, "the kill deadline set by 'd' still holds");
  advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
  send_event(&h, EVENT_TIMER);
  actions_are(&h, 2, kill_and_look, "timeout-kill: SIGKILL to the group, and a look");
  while (h.state.phase == PHASE_GROUP_STOPPING && now_ms(&h) < down_at + TIMEOUT_KILL_MS + GROUP_KILL_GRACE_MS) {
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
  }
  one_action(&h, ACTION_SPAWN_FINISH, 0, "a group that outlives SIGKILL (D state): going on after the grace");
  is_int(now_ms(&h), down_at + TIMEOUT_KILL_MS + GROUP_KILL_GRACE_MS, "exactly at the grace's end");
  before = take_snapshot(&h);
  step(&h, &group_empty);
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "a late GROUP_EMPTY: no bug, no change");

  /* No timeout-kill: the rest of the group still ends, after the default. */
  config.timeout_kill_ms = 0;
  setup_running_with(&h, &config);
  exited_at = now_ms(&h);
  run_exited_group_left(&h, EXITED(0));
  while (h.actions.count == 0 || h.actions.list[0].type != ACTION_SIGNAL_GROUP || h.actions.list[0].signal != SIGKILL) {
    advance_ms(&h, (unsigned int)(deadline_ms(&h) - now_ms(&h)));
    send_event(&h, EVENT_TIMER);
    if (now_ms(&h) > exited_at + GROUP_KILL_DEFAULT_MS) break;
  }
  is_int(now_ms(&h), exited_at + GROUP_KILL_DEFAULT_MS, "no timeout-kill: the group's SIGKILL after GROUP_KILL_DEFAULT_MS");

  /* t and k reach the group; other signals only the run. */
  setup_running_with(&h, &config);
  command(&h, 't');
  one_action(&h, ACTION_SIGNAL_GROUP, SIGTERM, "kill-group 't': to the group");
  command(&h, 'k');
  one_action(&h, ACTION_SIGNAL_GROUP, SIGKILL, "kill-group 'k': to the group");
  command(&h, 'h');
  one_action(&h, ACTION_SIGNAL_RUN, SIGHUP, "kill-group 'h': the run only");
  command(&h, 'p');
  one_action(&h, ACTION_SIGNAL_RUN, SIGSTOP, "kill-group 'p': the run only");
  config.timeout_kill_ms = TIMEOUT_KILL_MS;
  setup_running_with(&h, &config);
  command(&h, 'd');
  advance_ms(&h, TIMEOUT_KILL_MS);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SIGNAL_GROUP, SIGKILL, "kill-group: timeout-kill's SIGKILL to the group");

  /* TERM to the supervisor (the scanner's stop): the group, then exit. */
  setup_running_with(&h, &config);
  send_event(&h, EVENT_TERMINATE);
  actions_are(&h, 2, group_down, "kill-group TERMINATE: to the group");
  run_exited_group_left(&h, KILLED_BY(SIGTERM));
  step(&h, &group_empty);
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_EXIT, 0, "kill-group TERMINATE: exit once the group is gone");

  /* Without the file: the run only, and a group left is not waited for. */
  config = default_config();
  setup_running_with(&h, &config);
  command(&h, 'd');
  ok(h.actions.count == 2 && h.actions.list[0].type == ACTION_SIGNAL_RUN, "no kill-group: 'd' to the run only");
  run_exited_group_left(&h, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "no kill-group: a group left is not waited for");

  /* A oneshot's ./up has no group to stop. */
  config.kill_group = true;
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  step(&h, &(struct supervise_event){ .type = EVENT_SPAWNED, .pid = RUN_PID, .oneshot = true });
  command(&h, 'd');
  ok(h.actions.count == 2 && h.actions.list[0].type == ACTION_SIGNAL_RUN, "kill-group, oneshot's ./up: the process only");

  /* Adopted: the group the supervisor found, or none. */
  setup_with(&h, &config);
  step(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .pid = RUN_PID, .group = RUN_PID, .initial_want = WANT_UP });
  command(&h, 'd');
  actions_are(&h, 2, group_down, "kill-group, adopted run leading its group: 'd' to the group");
  setup_with(&h, &config);
  step(&h, &(struct supervise_event){ .type = EVENT_ADOPT, .pid = RUN_PID, .initial_want = WANT_UP });
  command(&h, 'd');
  ok(h.actions.count == 2 && h.actions.list[0].type == ACTION_SIGNAL_RUN, "kill-group, adopted run, group unknown: the run only");

  /* A stray look's answer while running changes nothing. */
  setup_running_with(&h, &config);
  before = take_snapshot(&h);
  step(&h, &group_empty);
  after = take_snapshot(&h);
  ok(h.stepped && same_snapshot(&before, &after), "GROUP_EMPTY while running: no bug, no change");
}

/* The status's history (svstat -a, vigil-analyze): the first spawn and
   its readiness stay; later starts count as restarts and move spawned. */
static void test_history(void)
{
  struct harness h;
  setup(&h);
  h.clock.boot_ns = 1000;
  boot(&h, WANT_UP);
  spawned(&h, RUN_PID);
  is_uint(h.state.status.first_spawn_ns, 1000, "history: the first spawn's instant");
  is_uint(h.state.status.spawned_ns, 1000, "history: the current run's spawn is the first");
  is_uint(h.state.status.restarts, 0, "history: no restart yet");
  is_uint(h.state.status.first_ready_ns, 0, "history: not ready yet");
  advance_ms(&h, 7);
  send_event(&h, EVENT_READY);
  is_uint(h.state.status.first_ready_ns, 1000 + 7000000, "history: the first readiness's instant");
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(1));
  send_event(&h, EVENT_NO_FINISH);
  spawned(&h, RUN_PID + 1);
  is_uint(h.state.status.restarts, 1, "history: a second start is a restart");
  is_uint(h.state.status.first_spawn_ns, 1000, "history: the first spawn's instant stays");
  is_uint(h.state.status.spawned_ns, 1000 + (uint64_t)(7 + LONG_RUN_MS) * 1000000, "history: spawned moves to the new run");
  advance_ms(&h, 5);
  send_event(&h, EVENT_READY);
  is_uint(h.state.status.first_ready_ns, 1000 + 7000000, "history: a later run's readiness is not the first");
}


/* ./run lives ms and ends with wait_status, nobody asked; no ./finish. */
static void run_ends(struct harness *h, unsigned int ms, int wait_status)
{
  spawned(h, RUN_PID);
  advance_ms(h, ms);
  run_exited(h, wait_status);
  send_event(h, EVENT_NO_FINISH);
}

static struct supervise_config policy_config(enum supervise_restart restart, unsigned int deaths, unsigned int window_ms)
{
  struct supervise_config config = default_config();
  config.restart = restart;
  config.give_up_deaths = deaths;
  config.give_up_window_ms = window_ms;
  return config;
}

/* restart: always, on-failure, never; a stop's signal is no failure. */
static void test_restart_policy(void)
{
  struct harness h;
  struct supervise_config config;

  config = policy_config(RESTART_ALWAYS, 0, 0);
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, LONG_RUN_MS, EXITED(0));
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart always: a clean exit restarts");

  config = policy_config(RESTART_NEVER, 0, 0);
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, LONG_RUN_MS, EXITED(3));
  no_actions(&h, "restart never: a failure does not restart");
  is_int(h.state.phase, PHASE_DOWN, "restart never: down");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "restart never: wanted down now");
  is_int(h.state.status.reason, SVSTATUS_REASON_NOT_RESTARTED, "restart never: reason not restarted");
  is_int(h.state.status.last_wait_status, EXITED(3), "restart never: the exit code kept");
  is_int(deadline_ms(&h), -1, "restart never: no deadline");
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart never: 'u' starts again");
  spawned(&h, RUN_PID);
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "restart never: 'u' clears the reason");

  config = policy_config(RESTART_ON_FAILURE, 0, 0);
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, LONG_RUN_MS, EXITED(0));
  no_actions(&h, "restart on-failure: exit 0 does not restart");
  is_int(h.state.status.reason, SVSTATUS_REASON_NOT_RESTARTED, "on-failure, exit 0: not restarted");
  is_int(h.state.status.last_wait_status, EXITED(0), "on-failure, exit 0: exit code 0 kept");
  command(&h, 'u');
  run_ends(&h, LONG_RUN_MS, EXITED(1));
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart on-failure: exit 1 restarts");
  run_ends(&h, LONG_RUN_MS, KILLED_BY(SIGSEGV));
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart on-failure: SIGSEGV restarts");
  run_ends(&h, LONG_RUN_MS, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart on-failure: a TERM no stop sent restarts");

  /* svc -t is a restart, whatever the policy. */
  config = policy_config(RESTART_NEVER, 0, 0);
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 't');
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart never: svc -t restarts all the same");
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "svc -t under never: no reason");
  spawned(&h, RUN_PID);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 't');
  run_exited(&h, EXITED(1));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "restart never: svc -t restarts a run that exits 1 on TERM too");

  /* timeout-kill's KILL after svc -t: still a restart. */
  config = policy_config(RESTART_ON_FAILURE, 0, 0);
  config.timeout_kill_ms = TIMEOUT_KILL_MS;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 't');
  advance_ms(&h, TIMEOUT_KILL_MS);
  send_event(&h, EVENT_TIMER);
  run_exited(&h, KILLED_BY(SIGKILL));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "on-failure: timeout-kill's KILL after svc -t restarts");

  /* The down-signal that no stop sent is a failure. */
  config = policy_config(RESTART_ON_FAILURE, 0, 0);
  config.down_signal = SIGHUP;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, KILLED_BY(SIGHUP));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "on-failure: the down-signal with no stop sent is a failure");

  /* The policy decides after ./finish, and finish's 125 still wins. */
  config = policy_config(RESTART_NEVER, 0, 0);
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(0));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "restart never: ./finish runs first");
  finish_spawned(&h, FINISH_PID);
  finish_exited(&h, EXITED(0));
  no_actions(&h, "restart never: after ./finish, no restart");
  is_int(h.state.status.reason, SVSTATUS_REASON_NOT_RESTARTED, "restart never, after ./finish: not restarted");

  /* svc -d under always: no policy involved, reason none. */
  config = policy_config(RESTART_NEVER, 0, 0);
  setup_running_with(&h, &config);
  command(&h, 'd');
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "svc -d under never: reason none");

  /* A oneshot's ./up is not run again by the policy: only its own rules. */
  config = policy_config(RESTART_NEVER, 0, 0);
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  {
    struct supervise_event event = { .type = EVENT_SPAWNED, .pid = RUN_PID, .oneshot = true };
    step(&h, &event);
  }
  run_exited(&h, EXITED(0));
  is_int(h.state.phase, PHASE_ONESHOT_UP, "restart never: a oneshot's ./up exit 0 is up");
}

/* give-up N T: the Nth death within T of the first, down until svc -u. */
static void test_give_up(void)
{
  struct harness h;
  struct supervise_config config = policy_config(RESTART_ALWAYS, 3, 10000);

  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, 2000, EXITED(1));
  one_action(&h, ACTION_SPAWN_RUN, 0, "give-up 3 10: the first death restarts");
  run_ends(&h, 2000, EXITED(1));
  one_action(&h, ACTION_SPAWN_RUN, 0, "give-up 3 10: the second death restarts");
  run_ends(&h, 2000, EXITED(1));
  no_actions(&h, "give-up 3 10: the third death within 10 s gives up");
  is_int(h.state.phase, PHASE_DOWN, "gave up: down");
  is_int(h.state.status.reason, SVSTATUS_REASON_GAVE_UP, "gave up: reason gave up");
  is_int(h.state.status.want, SVSTATUS_WANT_DOWN, "gave up: wanted down");
  is_int(deadline_ms(&h), -1, "gave up: no deadline");
  command(&h, 'u');
  one_action(&h, ACTION_SPAWN_RUN, 0, "gave up: 'u' starts again");
  spawned(&h, RUN_PID);
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "gave up: 'u' clears the reason");
  is_uint(h.state.deaths, 0, "gave up: 'u' clears the count");

  /* Deaths further apart than T never add up. */
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  for (int i = 0; i < 6; i++) {
    run_ends(&h, 6000, EXITED(1));
    if (h.actions.count != 1) break;
  }
  one_action(&h, ACTION_SPAWN_RUN, 0, "give-up 3 10: a death each 6 s never gives up");

  /* The window starts at the first death: the third at exactly T is a new count. */
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, 2000, EXITED(1));
  run_ends(&h, 4000, EXITED(1));
  run_ends(&h, 6000, EXITED(1));
  one_action(&h, ACTION_SPAWN_RUN, 0, "give-up 3 10: the third death 10 s after the first starts a new count");
  is_uint(h.state.deaths, 1, "... counted as the first of the new window");

  /* A stop's death is not counted: svc -t thrice never gives up. */
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  for (int i = 0; i < 4; i++) {
    spawned(&h, RUN_PID);
    advance_ms(&h, 1500);
    command(&h, 't');
    run_exited(&h, KILLED_BY(SIGTERM));
    send_event(&h, EVENT_NO_FINISH);
  }
  one_action(&h, ACTION_SPAWN_RUN, 0, "give-up: svc -t's deaths do not count");

  /* Quick deaths: the back-off still applies before the give-up. */
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, SHORT_RUN_MS, EXITED(1));
  is_int(h.state.phase, PHASE_WAITING, "give-up: a quick death is throttled as before");
  is_int(h.state.status.reason, SVSTATUS_REASON_THROTTLED, "give-up: throttled reason as before");

  /* restart on-failure with give-up: clean exits are not restarted at all. */
  config = policy_config(RESTART_ON_FAILURE, 1, 10000);
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  run_ends(&h, 2000, EXITED(0));
  is_int(h.state.status.reason, SVSTATUS_REASON_NOT_RESTARTED, "on-failure + give-up 1: exit 0 is not restarted");
  command(&h, 'u');
  run_ends(&h, 2000, EXITED(2));
  is_int(h.state.status.reason, SVSTATUS_REASON_GAVE_UP, "give-up 1: the first failure gives up");
  no_actions(&h, "give-up 1: no restart");

  /* Asked to exit at the give-up: exits. */
  config = policy_config(RESTART_ALWAYS, 1, 10000);
  setup_running_with(&h, &config);
  advance_ms(&h, 2000);
  run_exited(&h, EXITED(1));
  finish_spawned(&h, FINISH_PID);
  command(&h, 'x');
  finish_exited(&h, EXITED(0));
  one_action(&h, ACTION_EXIT, 0, "give-up with x asked: exit");
}

#define CHECK_PID 4444
#define CHECK_MS 1000

static void check_spawned(struct harness *h, pid_t pid)
{
  struct supervise_event event = { .type = EVENT_CHECK_SPAWNED, .pid = pid };
  step(h, &event);
}

static void check_exited(struct harness *h, pid_t pid, int wait_status)
{
  struct supervise_event event = { .type = EVENT_CHECK_EXITED, .pid = pid, .wait_status = wait_status };
  step(h, &event);
}

static struct supervise_config check_config(bool after_ready)
{
  struct supervise_config config = default_config();
  config.check = true;
  config.check_after_ready = after_ready;
  config.check_interval_ms = CHECK_MS;
  config.check_failures_max = 3;
  return config;
}

/* One check, due now: started, and it ends with wait_status. */
static void one_check(struct harness *h, int wait_status)
{
  advance_ms(h, (unsigned int)(deadline_ms(h) - now_ms(h)));
  send_event(h, EVENT_TIMER);
  check_spawned(h, CHECK_PID);
  advance_ms(h, 10);
  check_exited(h, CHECK_PID, wait_status);
}

/* The health check: its timer, K failures, a check outliving its interval, a stop meanwhile. */
static void test_health_check(void)
{
  struct harness h;
  struct supervise_config config = check_config(false);
  struct supervise_action const down[] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT } };
  struct supervise_action const stop[] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT },
                                           { ACTION_SIGNAL_CHECK, SIGKILL } };

  setup_running(&h);
  is_int(deadline_ms(&h), -1, "no ./check: no deadline while running (no wakeup)");

  setup_running_with(&h, &config);
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "./check: the first check one interval after the start");
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SPAWN_CHECK, 0, "interval passed: spawn ./check");
  check_spawned(&h, CHECK_PID);
  no_actions(&h, "CHECK_SPAWNED: nothing more");
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "a check alive: killed if alive one interval on");
  advance_ms(&h, 20);
  check_exited(&h, CHECK_PID, EXITED(0));
  no_actions(&h, "a check passed: nothing");
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "a check passed: the next one interval later");

  one_check(&h, EXITED(1));
  no_actions(&h, "one failure: nothing yet");
  one_check(&h, EXITED(1));
  no_actions(&h, "two failures: nothing yet");
  is_uint(h.state.check_failures, 2, "two failures counted");
  one_check(&h, EXITED(0));
  is_uint(h.state.check_failures, 0, "a pass resets the count");
  one_check(&h, EXITED(1));
  one_check(&h, KILLED_BY(SIGSEGV));
  one_check(&h, EXITED(2));
  actions_are(&h, 2, down, "three failures in a row: the down-signal, as svc -t");
  is_int(h.state.status.reason, SVSTATUS_REASON_UNHEALTHY, "three failures: unhealthy");
  is_int(h.state.status.state, SVSTATUS_RUN, "unhealthy: still up until it dies");
  is_int(deadline_ms(&h), -1, "going down: no check scheduled");
  advance_ms(&h, 50);
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "unhealthy: restarted");
  spawned(&h, RUN_PID);
  is_int(h.state.status.reason, SVSTATUS_REASON_UNHEALTHY, "restarted: still unhealthy until a check passes");
  one_check(&h, EXITED(0));
  is_int(h.state.status.reason, SVSTATUS_REASON_NONE, "a check passed: healthy again");

  /* A check that outlives its interval is killed, and that is a failure. */
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  check_spawned(&h, CHECK_PID);
  advance_ms(&h, CHECK_MS - 1);
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "a check alive 1 ms short of its interval: left");
  advance_ms(&h, 1);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_SIGNAL_CHECK, SIGKILL, "a check alive one interval: SIGKILL");
  is_int(deadline_ms(&h), -1, "killed check: nothing scheduled until its exit");
  check_exited(&h, CHECK_PID, KILLED_BY(SIGKILL));
  is_uint(h.state.check_failures, 1, "the killed check is a failure");
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "the next check one interval after");

  /* A stop while a check runs: the check is killed too. */
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  check_spawned(&h, CHECK_PID);
  command(&h, 'd');
  actions_are(&h, 3, stop, "'d' while a check runs: down-signal, CONT, and SIGKILL to the check");
  check_exited(&h, CHECK_PID, KILLED_BY(SIGKILL));
  no_actions(&h, "the killed check's exit during the stop: nothing");
  is_uint(h.state.check_failures, 1, "... and not counted");
  run_exited(&h, KILLED_BY(SIGTERM));
  send_event(&h, EVENT_NO_FINISH);
  is_int(deadline_ms(&h), -1, "down: no check");

  /* The run dies while a check runs: killed; a late exit of it is ignored. */
  setup_running_with(&h, &config);
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  check_spawned(&h, CHECK_PID);
  advance_ms(&h, LONG_RUN_MS);
  run_exited(&h, EXITED(0));
  {
    struct supervise_action const expected[] = { { ACTION_SIGNAL_CHECK, SIGKILL }, { ACTION_SPAWN_FINISH, 0 } };
    actions_are(&h, 2, expected, "the run exits while a check runs: the check killed, then ./finish");
  }
  send_event(&h, EVENT_NO_FINISH);
  spawned(&h, RUN_PID);
  check_exited(&h, CHECK_PID, EXITED(1));
  ok(h.stepped, "the old check's exit after a restart: no bug");
  is_uint(h.state.check_failures, 0, "... and not counted against the new run");
  check_exited(&h, CHECK_PID + 1, EXITED(1));
  is_uint(h.state.check_failures, 0, "an exit of a pid that is no check: ignored");

  /* A check that cannot start is a failure. */
  setup_running_with(&h, &config);
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  check_spawned(&h, 0);
  is_uint(h.state.check_failures, 1, "a check that could not start: a failure");
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "... and the next one interval later");

  /* With readiness: checks start once ready. */
  config = check_config(true);
  setup_running_with(&h, &config);
  is_int(deadline_ms(&h), -1, "a service that tells readiness: no check before it is ready");
  advance_ms(&h, 500);
  send_event(&h, EVENT_READY);
  is_int(deadline_ms(&h), now_ms(&h) + CHECK_MS, "ready: the first check one interval later");

  /* timeout-kill's deadline and the check's: the earliest. */
  config = check_config(false);
  config.timeout_kill_ms = TIMEOUT_KILL_MS;
  setup_running_with(&h, &config);
  command(&h, 't');
  advance_ms(&h, CHECK_MS);
  send_event(&h, EVENT_TIMER);
  no_actions(&h, "svc -t: no check while the run goes down");
  is_int(deadline_ms(&h), -1, "svc -t: no check deadline after that");
}

/* ./run exits and processes are left in the service's cgroup. */
static void run_exited_cgroup_left(struct harness *h, int wait_status)
{
  struct supervise_event event = { .type = EVENT_RUN_EXITED, .wait_status = wait_status, .cgroup_left = true };
  step(h, &event);
}

/* A service with a cgroup: what a stop leaves in it (after the group,
   with kill-process-group) gets the down-signal and CONT, SIGKILL at the
   kill deadline, and a bounded wait, before ./finish; a death of the
   run's own leaves it (as runit), and a service without a cgroup (or with
   kill-cgroup 0) ignores what the event says of one. */
static void test_cgroup(void)
{
  struct harness h;
  struct supervise_config config = default_config();
  struct supervise_event group_empty = { .type = EVENT_GROUP_EMPTY };
  struct supervise_event group_empty_cgroup_left = { .type = EVENT_GROUP_EMPTY, .cgroup_left = true };
  struct supervise_action run_down[2] = { { ACTION_SIGNAL_RUN, SIGTERM }, { ACTION_SIGNAL_RUN, SIGCONT } };
  struct supervise_action cgroup_down[2] = { { ACTION_SIGNAL_CGROUP, SIGTERM }, { ACTION_SIGNAL_CGROUP, SIGCONT } };
  struct supervise_action group_down[2] = { { ACTION_SIGNAL_GROUP, SIGTERM }, { ACTION_SIGNAL_GROUP, SIGCONT } };
  long long exited_at;

  config.cgroup = true;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 'd');
  actions_are(&h, 2, run_down, "cgroup 'd': the down-signal and CONT to the run, as without");
  exited_at = now_ms(&h);
  run_exited_cgroup_left(&h, KILLED_BY(SIGTERM));
  actions_are(&h, 2, cgroup_down, "cgroup, run stopped, processes left: the down-signal and CONT to the cgroup");
  is_int(h.state.phase, PHASE_GROUP_STOPPING, "... and it is waited for");
  ok(h.state.cgroup_stopping, "... the cgroup, not the group");
  is_int(h.state.status.state, SVSTATUS_FINISH, "waiting for the cgroup: status finish, not down yet");
  is_int(deadline_ms(&h), exited_at + GROUP_POLL_MS, "waiting for the cgroup: next look in GROUP_POLL_MS");
  advance_ms(&h, GROUP_POLL_MS);
  send_event(&h, EVENT_TIMER);
  one_action(&h, ACTION_CHECK_GROUP, 0, "poll: look at the cgroup");
  command(&h, 'k');
  one_action(&h, ACTION_SIGNAL_CGROUP, SIGKILL, "'k' while the cgroup stops: SIGKILL to the cgroup");
  step(&h, &group_empty);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "cgroup empty: ./finish");
  ok(!h.state.cgroup_stopping, "... the cgroup's wait is over");
  send_event(&h, EVENT_NO_FINISH);
  is_int(h.state.phase, PHASE_DOWN, "down");
  is_int(deadline_ms(&h), -1, "down: no deadline");

  /* A cgroup that ignores the down-signal, then outlives SIGKILL (D state). */
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 't');
  run_exited_cgroup_left(&h, KILLED_BY(SIGTERM));
  actions_are(&h, 2, cgroup_down, "cgroup 't': what is left gets the down-signal before the restart");
  exited_at = now_ms(&h);
  while (now_ms(&h) < exited_at + GROUP_KILL_DEFAULT_MS) {
    advance_ms(&h, GROUP_POLL_MS);
    send_event(&h, EVENT_TIMER);
    if (h.actions.count && h.actions.list[0].type == ACTION_SIGNAL_CGROUP) break;
  }
  ok(h.actions.count >= 1 && h.actions.list[0].type == ACTION_SIGNAL_CGROUP && h.actions.list[0].signal == SIGKILL,
     "no timeout-kill: SIGKILL to the cgroup GROUP_KILL_DEFAULT_MS after the run's exit");
  is_int(now_ms(&h), exited_at + GROUP_KILL_DEFAULT_MS, "... at that deadline");
  while (h.state.phase == PHASE_GROUP_STOPPING && now_ms(&h) <= exited_at + GROUP_KILL_DEFAULT_MS + GROUP_KILL_GRACE_MS + GROUP_POLL_MS) {
    advance_ms(&h, GROUP_POLL_MS);
    send_event(&h, EVENT_TIMER);
  }
  is_int(h.state.phase, PHASE_FINISH_STARTING, "a cgroup that will not empty: ./finish after the grace");
  send_event(&h, EVENT_NO_FINISH);
  one_action(&h, ACTION_SPAWN_RUN, 0, "'t': the run starts again");

  /* The run dies of itself: what it started stays (runit's way). */
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  run_exited_cgroup_left(&h, EXITED(1));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "cgroup, run died of itself, processes left: nothing signalled, ./finish");

  /* kill-process-group too: the group first, then what left it. */
  config.kill_group = true;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 'd');
  actions_are(&h, 2, group_down, "group and cgroup 'd': the down-signal to the group");
  {
    struct supervise_event both = { .type = EVENT_RUN_EXITED, .wait_status = KILLED_BY(SIGTERM), .group_left = true, .cgroup_left = true };
    step(&h, &both);
  }
  no_actions(&h, "run gone, group left: the group is waited for first, already signalled");
  ok(!h.state.cgroup_stopping, "... the group, not the cgroup");
  step(&h, &group_empty_cgroup_left);
  actions_are(&h, 2, cgroup_down, "the group empty, the cgroup not: the down-signal to the cgroup at once");
  ok(h.state.cgroup_stopping, "... whose wait follows");
  step(&h, &group_empty);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "the cgroup empty: ./finish");

  /* ... and a crash: the group is stopped (kill-process-group's rule), the cgroup is not. */
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  {
    struct supervise_event crash = { .type = EVENT_RUN_EXITED, .wait_status = EXITED(1), .group_left = true, .cgroup_left = true };
    step(&h, &crash);
  }
  actions_are(&h, 2, group_down, "group and cgroup, a crash: the group gets the down-signal");
  step(&h, &group_empty_cgroup_left);
  one_action(&h, ACTION_SPAWN_FINISH, 0, "a crash: the group empty, the cgroup is left alone, ./finish");
  config.kill_group = false;

  /* No cgroup (or kill-cgroup 0): the event's word is ignored. */
  config.cgroup = false;
  setup_running_with(&h, &config);
  advance_ms(&h, LONG_RUN_MS);
  command(&h, 'd');
  run_exited_cgroup_left(&h, KILLED_BY(SIGTERM));
  one_action(&h, ACTION_SPAWN_FINISH, 0, "no cgroup: a stop goes straight to ./finish");

  /* A oneshot is not stopped through its cgroup. */
  config.cgroup = true;
  setup_with(&h, &config);
  boot(&h, WANT_UP);
  {
    struct supervise_event up = { .type = EVENT_SPAWNED, .pid = RUN_PID, .oneshot = true };
    step(&h, &up);
  }
  command(&h, 'd');
  run_exited_cgroup_left(&h, KILLED_BY(SIGTERM));
  ok(h.actions.count == 0 || h.actions.list[0].type != ACTION_SIGNAL_CGROUP, "a oneshot: its cgroup is not signalled");
}

int main(void)
{
  test_history();
  test_init_and_boot();
  test_every_letter_while_running();
  test_signal_letters();
  test_pause_continue();
  test_down();
  test_up_once_exit_when_down();
  test_invalid_bytes();
  test_exit_and_restart();
  test_backoff_function();
  test_backoff_in_machine();
  test_finish();
  test_timeout_kill();
  test_terminate();
  test_spawn_failed();
  test_stray_events();
  test_ready();
  test_main_pid();
  test_adopt();
  test_live();
  test_held();
  test_oneshot();
  test_kill_group();
  test_restart_policy();
  test_give_up();
  test_health_check();
  test_cgroup();
  return done_testing();
}
