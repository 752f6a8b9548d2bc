/* The gate of needs/ before each start of ./run: which needs are not
   ready, what supervise/waiting says, and the inotify watches that wake
   the supervisor when one of them changes (events, never a poll). The
   decisions are lib/needs'; this file reads the dirs and status files. */
#ifndef VIGIL_SUPERVISE_NEEDS_H
#define VIGIL_SUPERVISE_NEEDS_H

#include <stdbool.h>

/* Before the chdir into DIR: remember the live dir (DIR's parent) and
   DIR's name there. Never fails: without them every need is missing. */
void gate_setup(char const *dir);

/* 0: every need is ready (or there is no needs/), ./run may start.
   1: held; supervise/waiting names the needs waited for, said once on
   stderr, and gate_fd() wakes the loop when something changes. */
int gate_check(void);

/* The inotify fd while held, else -1. */
int gate_fd(void);

/* Held without an inotify fd (none could be had): the caller looks
   again every GATE_POLL_MS instead, while the wait lasts. */
#define GATE_POLL_MS 250
bool gate_polled(void);

/* Read what woke the loop: the caller then calls gate_check again. */
void gate_drain(void);

/* Not held any more (started, or taken down): the watches and
   supervise/waiting go. */
void gate_release(void);

#endif
