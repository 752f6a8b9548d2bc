/* The sending side of sd_notify(3), for a container's PID 1 whose runtime
   (podman --sdnotify=container) gave it NOTIFY_SOCKET: READY=1 once it is
   up, STOPPING=1 when its stop begins. The socket is the runtime's, not
   our services': it is taken out of the environment, so no child sees it. */
#ifndef VIGIL_SDNOTIFY_H
#define VIGIL_SDNOTIFY_H

#include <stddef.h>

/* sun_path's size on Linux: a longer NOTIFY_SOCKET cannot be reached. */
#define SDNOTIFY_PATH_MAX 108

/* NOTIFY_SOCKET, unset, copied into BUF (SDNOTIFY_PATH_MAX bytes): 1;
   none: 0; too long to reach: said, unset, -1. BUF is "" unless 1. */
int sdnotify_take(char *buf);

/* One datagram, MESSAGE, to PATH ("@name": the abstract namespace), never
   blocking. 0, or -1 with errno (a runtime gone is not our failure: the
   caller says it and goes on). */
int sdnotify_send(char const *path, char const *message);

#endif
