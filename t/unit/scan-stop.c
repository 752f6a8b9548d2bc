/* Unit test of the scanner's stop (scan/scan-stop.c): scan_stop_step driven
   with synthetic events on a synthetic clock, no fork, no signal, no file.
   Every phase, every goal, the deadline and each step of escalation. */
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

#include <skalibs/tai.h>

#include "scan-stop.h"
#include "tap.h"

/* Arbitrary, but not zero, so that a field left at zero shows. */
#define BASE_SECONDS 5000
#define DEADLINE_MS 2000

struct harness {
  struct scan_stop stop;
  tain now;
  struct stop_counts counts;
  struct stop_actions actions;   /* of the last step */
  int result;
};

static void setup(struct harness *h, bool has_rc)
{
  memset(h, 0, sizeof *h);
  tain_addsec(&h->now, &tain_zero, BASE_SECONDS);
  scan_stop_init(&h->stop, has_rc);
}

static void advance_ms(struct harness *h, unsigned int ms)
{
  tain delta;
  tain_from_millisecs(&delta, (int)ms);
  tain_add(&h->now, &h->now, &delta);
}

static void step(struct harness *h, enum stop_event_type type, enum stop_goal goal, int code)
{
  struct stop_event event = { .type = type, .goal = goal, .exit_code = code,
                              .deadline_ms = DEADLINE_MS, .counts = h->counts };
  h->actions.count = 0;
  h->result = scan_stop_step(&h->stop, &event, &h->now, &h->actions);
}

static void request(struct harness *h, enum stop_goal goal, int code)
{
  step(h, STOP_EVENT_REQUEST, goal, code);
}

static void changed(struct harness *h)
{
  step(h, STOP_EVENT_CHANGED, GOAL_EXIT, 0);
}

static void timer(struct harness *h)
{
  step(h, STOP_EVENT_TIMER, GOAL_EXIT, 0);
}

/* The actions of the last step, exactly, in order. */
static int actions_are(struct harness *h, char const *what, unsigned int count, ...)
{
  va_list args;
  int same = h->result == 0 && h->actions.count == count;
  va_start(args, count);
  for (unsigned int i = 0; i < count && same; i++)
    same = h->actions.list[i] == (enum stop_action_type)va_arg(args, int);
  va_end(args);
  if (!ok(same, "%s", what)) {
    diag("result %d, %u actions:", h->result, h->actions.count);
    for (unsigned int i = 0; i < h->actions.count; i++) diag("  action %d", (int)h->actions.list[i]);
  }
  return same;
}

/* Milliseconds from now to the phase's deadline (negative if passed), or -1000000 if none. */
static long long deadline_in_ms(struct harness *h)
{
  tain deadline, delta;
  if (!scan_stop_deadline(&h->stop, &deadline)) return -1000000;
  if (tain_less(&deadline, &h->now)) {
    tain_sub(&delta, &h->now, &deadline);
    return -(long long)tain_to_millisecs(&delta);
  }
  tain_sub(&delta, &deadline, &h->now);
  return tain_to_millisecs(&delta);
}

static void test_prompt_stop(void)
{
  struct harness h;
  setup(&h, false);
  is_int(h.stop.phase, STOP_RUNNING, "prompt: starts running");
  ok(!scan_stop_deadline(&h.stop, &(tain){ 0 }), "prompt: no deadline while running");
  h.counts = (struct stop_counts){ .services = 3, .loggers = 2 };
  request(&h, GOAL_EXIT, 0);
  actions_are(&h, "prompt: request stops scanning and brings services down", 2,
              STOP_ACTION_STOP_SCANNING, STOP_ACTION_DOWN_SERVICES);
  is_int(h.stop.phase, STOP_SERVICES, "prompt: services phase");
  is_int(deadline_in_ms(&h), DEADLINE_MS, "prompt: services get the whole deadline");
  h.counts.services = 1;
  advance_ms(&h, 10);
  changed(&h);
  actions_are(&h, "prompt: one service left: nothing to do", 0);
  h.counts.services = 0;
  changed(&h);
  actions_are(&h, "prompt: services gone: their strays told to go, loggers drain", 1, STOP_ACTION_TERM_STRAYS);
  is_int(h.stop.phase, STOP_LOGGERS, "prompt: loggers phase");
  is_int(deadline_in_ms(&h), DEADLINE_MS - 10 + STOP_LOGGER_EXTRA_MS, "prompt: loggers may drain until deadline + extra");
  h.counts.loggers = 0;
  changed(&h);
  actions_are(&h, "prompt: loggers gone: exit", 1, STOP_ACTION_EXIT);
  is_int(h.stop.phase, STOP_DONE, "prompt: done");
  is_int(h.stop.goal, GOAL_EXIT, "prompt: goal exit");
  ok(!scan_stop_deadline(&h.stop, &(tain){ 0 }), "prompt: no deadline once done");
  changed(&h);
  actions_are(&h, "prompt: nothing after done", 0);
  timer(&h);
  actions_are(&h, "prompt: no timer after done", 0);
}

static void test_nothing_running(void)
{
  struct harness h;
  setup(&h, false);
  request(&h, GOAL_POWEROFF, 0);
  actions_are(&h, "empty: request ends at once", 4,
              STOP_ACTION_STOP_SCANNING, STOP_ACTION_DOWN_SERVICES, STOP_ACTION_TERM_STRAYS, STOP_ACTION_EXIT);
  is_int(h.stop.goal, GOAL_POWEROFF, "empty: goal poweroff");
  setup(&h, false);
  h.counts.loggers = 1;
  request(&h, GOAL_HALT, 0);
  actions_are(&h, "empty: no service but a logger: wait for it", 3,
              STOP_ACTION_STOP_SCANNING, STOP_ACTION_DOWN_SERVICES, STOP_ACTION_TERM_STRAYS);
  is_int(h.stop.phase, STOP_LOGGERS, "empty: straight to the loggers");
}

static void test_escalation(void)
{
  struct harness h;
  setup(&h, false);
  h.counts = (struct stop_counts){ .services = 2, .loggers = 2 };
  request(&h, GOAL_REBOOT, 0);
  advance_ms(&h, DEADLINE_MS - 1);
  timer(&h);
  actions_are(&h, "escalation: a timer before the deadline does nothing", 0);
  is_int(h.stop.phase, STOP_SERVICES, "escalation: still in services");
  advance_ms(&h, 1);
  timer(&h);
  actions_are(&h, "escalation: at the deadline services are killed", 1, STOP_ACTION_KILL_SERVICES);
  is_int(h.stop.phase, STOP_SERVICES_KILLED, "escalation: services killed");
  is_int(deadline_in_ms(&h), STOP_KILL_GRACE_MS, "escalation: the kernel gets a grace");
  advance_ms(&h, STOP_KILL_GRACE_MS);
  timer(&h);
  actions_are(&h, "escalation: a supervisor stuck past the grace is given up on: strays told to go", 1, STOP_ACTION_TERM_STRAYS);
  is_int(h.stop.phase, STOP_LOGGERS, "escalation: on to the loggers");
  is_int(deadline_in_ms(&h), STOP_LOGGER_EXTRA_MS - STOP_KILL_GRACE_MS, "escalation: loggers' drain ends at deadline + extra");
  advance_ms(&h, STOP_LOGGER_EXTRA_MS - STOP_KILL_GRACE_MS);
  timer(&h);
  actions_are(&h, "escalation: drain over: loggers told to stop", 1, STOP_ACTION_TERM_LOGGERS);
  is_int(h.stop.phase, STOP_LOGGERS_TERMED, "escalation: loggers termed");
  advance_ms(&h, STOP_KILL_GRACE_MS);
  timer(&h);
  actions_are(&h, "escalation: then killed", 1, STOP_ACTION_KILL_LOGGERS);
  is_int(h.stop.phase, STOP_LOGGERS_KILLED, "escalation: loggers killed");
  advance_ms(&h, STOP_KILL_GRACE_MS);
  timer(&h);
  actions_are(&h, "escalation: and the stop ends regardless", 1, STOP_ACTION_EXIT);
  is_int(h.stop.goal, GOAL_REBOOT, "escalation: goal kept");
  /* The longest stop, as documented: deadline + extra + 2 graces. */
  {
    tain start, delta;
    tain_addsec(&start, &tain_zero, BASE_SECONDS);
    tain_sub(&delta, &h.now, &start);
    is_int(tain_to_millisecs(&delta), DEADLINE_MS + STOP_LOGGER_EXTRA_MS + 2 * STOP_KILL_GRACE_MS,
           "escalation: the longest stop is deadline + extra + 2 graces");
  }
}

static void test_killed_services_go(void)
{
  struct harness h;
  setup(&h, false);
  h.counts = (struct stop_counts){ .services = 1, .loggers = 1 };
  request(&h, GOAL_EXIT, 3);
  advance_ms(&h, DEADLINE_MS);
  timer(&h);
  actions_are(&h, "killed: kill at the deadline", 1, STOP_ACTION_KILL_SERVICES);
  h.counts.services = 0;
  changed(&h);
  actions_are(&h, "killed: the killed service goes: strays, then loggers", 1, STOP_ACTION_TERM_STRAYS);
  is_int(h.stop.phase, STOP_LOGGERS, "killed: loggers phase");
  h.counts.loggers = 0;
  changed(&h);
  actions_are(&h, "killed: loggers gone: exit", 1, STOP_ACTION_EXIT);
  is_int(h.stop.exit_code, 3, "killed: exit code kept");
}

static void test_rc_shutdown(void)
{
  struct harness h;
  setup(&h, true);
  h.counts = (struct stop_counts){ .services = 1, .loggers = 0 };
  request(&h, GOAL_POWEROFF, 0);
  actions_are(&h, "rc: request runs rc.shutdown first, services untouched", 2,
              STOP_ACTION_STOP_SCANNING, STOP_ACTION_RUN_RC);
  is_int(h.stop.phase, STOP_RC_SHUTDOWN, "rc: rc phase");
  is_int(deadline_in_ms(&h), DEADLINE_MS / 100 * STOP_RC_SHARE_PERCENT, "rc: bounded by its share of the deadline");
  h.counts.rc_running = true;
  changed(&h);
  actions_are(&h, "rc: running: wait", 0);
  h.counts.rc_running = false;
  advance_ms(&h, 100);
  changed(&h);
  actions_are(&h, "rc: done: services down", 1, STOP_ACTION_DOWN_SERVICES);
  is_int(deadline_in_ms(&h), DEADLINE_MS - 100, "rc: the services' deadline counts from the request");

  setup(&h, true);
  h.counts = (struct stop_counts){ .rc_running = true, .services = 1 };
  request(&h, GOAL_HALT, 0);
  advance_ms(&h, DEADLINE_MS / 100 * STOP_RC_SHARE_PERCENT);
  timer(&h);
  actions_are(&h, "rc: overrun: killed, and services go down", 2,
              STOP_ACTION_KILL_RC, STOP_ACTION_DOWN_SERVICES);
  is_int(h.stop.phase, STOP_SERVICES, "rc: services phase after the kill");
}

static void test_second_request(void)
{
  struct harness h;
  setup(&h, false);
  h.counts = (struct stop_counts){ .services = 1 };
  request(&h, GOAL_REBOOT, 0);
  advance_ms(&h, 1500);
  request(&h, GOAL_POWEROFF, 0);
  actions_are(&h, "second request: no new actions", 0);
  is_int(h.stop.goal, GOAL_POWEROFF, "second request: changes the goal");
  is_int(deadline_in_ms(&h), DEADLINE_MS - 1500, "second request: keeps the first deadline");
}

static void test_signals(void)
{
  enum stop_goal goal = GOAL_EXIT;
  struct {
    int sig; enum scan_role role; bool has_main;
    enum signal_meaning meaning; enum stop_goal goal; char const *what;
  } const cases[] = {
    { SIGCHLD, ROLE_DAEMON, false, SIGNAL_REAP, GOAL_EXIT, "daemon CHLD: reap" },
    { SIGTERM, ROLE_DAEMON, false, SIGNAL_STOP, GOAL_EXIT, "daemon TERM: exit" },
    { SIGINT, ROLE_DAEMON, false, SIGNAL_STOP, GOAL_EXIT, "daemon INT: exit" },
    { SIGHUP, ROLE_DAEMON, false, SIGNAL_RESCAN, GOAL_EXIT, "daemon HUP: rescan" },
    { SIGALRM, ROLE_DAEMON, false, SIGNAL_RESCAN, GOAL_EXIT, "daemon ALRM: rescan" },
    { SIGUSR1, ROLE_DAEMON, false, SIGNAL_UNEXPECTED, GOAL_EXIT, "daemon USR1: not a stop" },
    { SIGPWR, ROLE_DAEMON, false, SIGNAL_UNEXPECTED, GOAL_EXIT, "daemon PWR: not a stop" },
    { SIGUSR1, ROLE_MACHINE, false, SIGNAL_STOP, GOAL_HALT, "machine USR1: halt" },
    { SIGUSR2, ROLE_MACHINE, false, SIGNAL_STOP, GOAL_POWEROFF, "machine USR2: poweroff" },
    { SIGTERM, ROLE_MACHINE, false, SIGNAL_STOP, GOAL_REBOOT, "machine TERM: reboot" },
    { SIGINT, ROLE_MACHINE, false, SIGNAL_STOP, GOAL_REBOOT, "machine INT (ctrl-alt-del): reboot" },
    { SIGPWR, ROLE_MACHINE, false, SIGNAL_STOP, GOAL_POWEROFF, "machine PWR: poweroff" },
    { SIGHUP, ROLE_MACHINE, false, SIGNAL_RESCAN, GOAL_EXIT, "machine HUP: rescan" },
    { SIGCHLD, ROLE_MACHINE, false, SIGNAL_REAP, GOAL_EXIT, "machine CHLD: reap" },
    { SIGQUIT, ROLE_MACHINE, false, SIGNAL_UNEXPECTED, GOAL_EXIT, "machine QUIT: nothing" },
    { SIGTERM, ROLE_CONTAINER, true, SIGNAL_STOP, GOAL_EXIT, "container TERM: exit" },
    { SIGINT, ROLE_CONTAINER, true, SIGNAL_STOP, GOAL_EXIT, "container INT: exit" },
    { SIGPWR, ROLE_CONTAINER, true, SIGNAL_STOP, GOAL_EXIT, "container PWR (LXC): exit" },
    { SIGHUP, ROLE_CONTAINER, true, SIGNAL_FORWARD, GOAL_EXIT, "container HUP: to the main program" },
    { SIGQUIT, ROLE_CONTAINER, true, SIGNAL_FORWARD, GOAL_EXIT, "container QUIT: to the main program" },
    { SIGUSR1, ROLE_CONTAINER, true, SIGNAL_FORWARD, GOAL_EXIT, "container USR1: to the main program" },
    { SIGUSR2, ROLE_CONTAINER, true, SIGNAL_FORWARD, GOAL_EXIT, "container USR2: to the main program" },
    { SIGWINCH, ROLE_CONTAINER, true, SIGNAL_FORWARD, GOAL_EXIT, "container WINCH: to the main program" },
    { SIGHUP, ROLE_CONTAINER, false, SIGNAL_RESCAN, GOAL_EXIT, "container without main HUP: rescan" },
    { SIGUSR1, ROLE_CONTAINER, false, SIGNAL_UNEXPECTED, GOAL_EXIT, "container without main USR1: nothing" },
    { SIGALRM, ROLE_CONTAINER, true, SIGNAL_RESCAN, GOAL_EXIT, "container ALRM: rescan" },
  };
  for (unsigned int i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum signal_meaning meaning = scan_signal_meaning(cases[i].sig, cases[i].role, cases[i].has_main, &goal);
    ok(meaning == cases[i].meaning && (meaning != SIGNAL_STOP || goal == cases[i].goal), "signals: %s", cases[i].what);
  }
  /* Every signal with a meaning is trapped by that role, and no other is. */
  for (int role = ROLE_DAEMON; role <= ROLE_CONTAINER; role++) {
    int const *trapped = scan_role_signals(role);
    bool all = true;
    for (int sig = 1; sig < 65; sig++) {
      bool in = false;
      for (int const *t = trapped; *t; t++) in = in || *t == sig;
      if (in != (scan_signal_meaning(sig, role, true, &goal) != SIGNAL_UNEXPECTED)) all = false;
    }
    ok(all, "signals: role %d traps exactly the signals it gives a meaning", role);
  }
  is_str(scan_stop_goal_name(GOAL_HALT), "halt", "names: halt");
  is_str(scan_stop_goal_name(GOAL_POWEROFF), "poweroff", "names: poweroff");
  is_str(scan_stop_goal_name(GOAL_REBOOT), "reboot", "names: reboot");
  is_str(scan_stop_goal_name(GOAL_EXIT), "exit", "names: exit");
}

static void test_force(void)
{
  struct harness h;
  struct stop_event event = { .type = STOP_EVENT_REQUEST, .goal = GOAL_REBOOT, .exit_code = -1,
                              .deadline_ms = DEADLINE_MS, .force = true };
  setup(&h, true);
  h.counts = (struct stop_counts){ .services = 5, .loggers = 5 };
  event.counts = h.counts;
  h.result = scan_stop_step(&h.stop, &event, &h.now, &h.actions);
  actions_are(&h, "force: no rc.shutdown, no services: straight to the end", 2,
              STOP_ACTION_STOP_SCANNING, STOP_ACTION_EXIT);
  is_int(h.stop.goal, GOAL_REBOOT, "force: goal reboot");
  setup(&h, false);
  h.counts = (struct stop_counts){ .services = 1 };
  request(&h, GOAL_HALT, -1);
  advance_ms(&h, 100);
  event.goal = GOAL_POWEROFF;
  h.actions.count = 0;
  h.result = scan_stop_step(&h.stop, &event, &h.now, &h.actions);
  actions_are(&h, "force: a stop that hangs ends at once", 1, STOP_ACTION_EXIT);
  is_int(h.stop.goal, GOAL_POWEROFF, "force: with the forced goal");
  h.actions.count = 0;
  h.result = scan_stop_step(&h.stop, &event, &h.now, &h.actions);
  actions_are(&h, "force: nothing after done", 0);
}

static void test_exit_code_kept(void)
{
  struct harness h;
  setup(&h, false);
  h.counts = (struct stop_counts){ .services = 2 };
  request(&h, GOAL_EXIT, -1);
  is_int(h.stop.exit_code, 0, "code: a signal's stop exits 0 when nothing else is known");
  request(&h, GOAL_EXIT, 143);
  is_int(h.stop.exit_code, 143, "code: the main program's code, once it exits");
  request(&h, GOAL_EXIT, -1);
  is_int(h.stop.exit_code, 143, "code: a later signal keeps it");
}

int main(void)
{
  test_prompt_stop();
  test_nothing_running();
  test_escalation();
  test_killed_services_go();
  test_rc_shutdown();
  test_second_request();
  test_signals();
  test_exit_code_kept();
  test_force();
  return done_testing();
}
