/* An instance of a template (lib/svinstance.h): its ARG, for the run. */
#ifndef VIGIL_SUPERVISE_INSTANCE_H
#define VIGIL_SUPERVISE_INSTANCE_H

/* When DIR (as the supervisor was given it) names an instance, NAME@ARG
   or NAME@ARG/log: put ARG in $VIGIL_INSTANCE, inherited by every child
   (run, finish, up, down), and return it, for run's, up's and down's $1.
   0 otherwise, and the environment is left alone. */
char const *supervise_instance_setup(char const *dir);

#endif
