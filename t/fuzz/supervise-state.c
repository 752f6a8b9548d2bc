/* Fuzz: the supervisor's state machine driven as vigil-supervise drives
   it: control bytes (any of 256), time passing, the run's and finish's
   exits (leaving some of a kill-process-group run's group, or not),
   readiness, a MAINPID, a TERM, a health check's exit, each chosen by the
   input, under each restart policy, give-up and health check, and the
   spawns the machine asks for answered as the supervisor would. It must
   never call an event impossible (supervise_step false: exit 101 in the
   supervisor) nor ask for more actions than it may. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <skalibs/tai.h>

#include "supervise-state.h"
#include "svcontrol.h"

#define FAKE_PID 4242

static struct supervise_clock clock_now;

static void step(struct supervise_state *state, struct supervise_event const *event, int depth)
{
  struct supervise_actions out = { .count = 0 };
  if (!supervise_step(state, event, &clock_now, &out) || out.overflow) abort();
  for (unsigned int i = 0; i < out.count; i++) {
    struct supervise_event next = { .type = EVENT_TIMER };
    /* Answered at once, as the supervisor's queue does. */
    switch (out.list[i].type) {
      case ACTION_SPAWN_RUN: next.type = EVENT_SPAWNED; next.pid = FAKE_PID; break;
      case ACTION_SPAWN_FINISH: next.type = EVENT_NO_FINISH; break;
      /* The cgroup still populated or not, by the depth's parity. */
      case ACTION_CHECK_GROUP: next.type = EVENT_GROUP_EMPTY; next.cgroup_left = depth & 1; break;
      case ACTION_SPAWN_CHECK: next.type = EVENT_CHECK_SPAWNED; next.pid = depth & 1 ? 0 : FAKE_PID + 2; break;
      case ACTION_SIGNAL_CHECK:
      case ACTION_SIGNAL_RUN:
      case ACTION_SIGNAL_FINISH:
      case ACTION_SIGNAL_GROUP:
      case ACTION_SIGNAL_CGROUP:
      case ACTION_EXIT: continue;
    }
    if (depth < 8) step(state, &next, depth + 1);
  }
}

int LLVMFuzzerTestOneInput(uint8_t const *data, size_t size)
{
  struct supervise_state state;
  struct supervise_config config = { .down_signal = SIGTERM, .timeout_kill_ms = data && size ? data[0] * 10u : 0,
                                     .timeout_finish_ms = 5000, .kill_group = size > 1 && data[1] & 2,
                                     /* restart and give-up: each policy, give-up off or 1 to 3 deaths */
                                     .restart = size > 1 ? (enum supervise_restart)((data[1] >> 2) % 3) : RESTART_ALWAYS,
                                     .give_up_deaths = size > 1 ? (data[1] >> 4) & 3 : 0,
                                     .give_up_window_ms = data && size ? data[0] * 100u + 1 : 1,
                                     /* a health check, from the start or from readiness */
                                     .check = size > 1 && data[1] & 64, .check_after_ready = size > 1 && data[1] & 128,
                                     .check_interval_ms = 500, .check_failures_max = data && size ? data[0] % 4 + 1 : 1,
                                     /* a cgroup of its own */
                                     .cgroup = data && size && data[0] & 1 };
  struct supervise_event boot = { .type = EVENT_BOOT, .initial_want = size > 1 && data[1] & 1 ? WANT_DOWN : WANT_UP };
  tain_addsec(&clock_now.monotonic, &tain_zero, 1000);
  clock_now.wall.sec = 1700000000;
  clock_now.wall.nsec = 0;
  supervise_init(&state, &config);
  step(&state, &boot, 0);
  for (size_t i = 2; i + 1 < size; i += 2) {
    uint8_t what = data[i], arg = data[i + 1];
    struct supervise_event event = { .type = EVENT_TIMER };
    tain delta;
    switch (what % 8) {
      case 0: event.type = EVENT_COMMAND; event.command = svcontrol_lookup(arg); break;
      case 1:
        tain_from_millisecs(&delta, arg * 40);
        tain_add(&clock_now.monotonic, &clock_now.monotonic, &delta);
        clock_now.wall.sec += arg / 25;
        break;
      case 2:
        if (state.phase != PHASE_RUNNING) continue;
        event.type = EVENT_RUN_EXITED;
        event.wait_status = arg & 1 ? (arg >> 1) & 0x7f : (arg << 8) & 0xff00;
        event.exit_unknown = arg == 255;
        event.group_left = arg & 2;
        event.cgroup_left = arg & 4;
        break;
      case 3:
        if (state.phase != PHASE_FINISHING) continue;
        event.type = EVENT_FINISH_EXITED;
        event.wait_status = (arg << 8) & 0xff00;
        break;
      case 4: event.type = EVENT_READY; break;
      case 5: event.type = EVENT_MAIN_PID; event.pid = FAKE_PID + arg; break;
      case 6: event.type = EVENT_TERMINATE; break;
      /* The check's exit, or a stale one's (another pid). */
      case 7:
        event.type = EVENT_CHECK_EXITED;
        event.pid = arg & 1 ? FAKE_PID + 2 : FAKE_PID + 3;
        event.wait_status = (arg << 7) & 0xff00;
        break;
    }
    /* A finish spawn is answered above; here it may also have started. */
    if (state.phase == PHASE_FINISH_STARTING) {
      struct supervise_event started = { .type = EVENT_FINISH_SPAWNED, .pid = FAKE_PID + 1 };
      step(&state, &started, 0);
    }
    if (state.phase == PHASE_STARTING || state.phase == PHASE_FINISH_STARTING) continue;
    step(&state, &event, 0);
  }
  return 0;
}
