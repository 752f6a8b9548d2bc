/* A tiny TAP producer for the C unit tests, read by prove.
   Each assertion prints "ok N - description" or "not ok N - description"
   (with the values on stderr as "# " diagnostics); done_testing() prints
   the plan "1..N" at the end and returns the exit code: 1 if any failed. */
#ifndef VIGIL_TAP_H
#define VIGIL_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define TAP_PRINTF(format_index, first_arg) __attribute__((format(printf, format_index, first_arg)))

static struct {
  unsigned int count;
  unsigned int failed;
} tap;

static inline void tap_result(int passed, char const *format, va_list args)
{
  tap.count++;
  if (!passed) tap.failed++;
  printf("%sok %u - ", passed ? "" : "not ", tap.count);
  vprintf(format, args);
  putchar('\n');
  fflush(stdout);
}

/* A "# " line on stderr: prove shows it next to a failure. */
static inline TAP_PRINTF(1, 2) void diag(char const *format, ...)
{
  va_list args;
  fflush(stdout);
  fputs("# ", stderr);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
}

/* Passes when condition is true. Returns the condition. */
static inline TAP_PRINTF(2, 3) int ok(int condition, char const *format, ...)
{
  va_list args;
  va_start(args, format);
  tap_result(condition, format, args);
  va_end(args);
  return condition;
}

/* Passes when got == expected; shows both otherwise. */
static inline TAP_PRINTF(3, 4) int is_int(long long got, long long expected, char const *format, ...)
{
  va_list args;
  int passed = got == expected;
  va_start(args, format);
  tap_result(passed, format, args);
  va_end(args);
  if (!passed) diag("got: %lld, expected: %lld", got, expected);
  return passed;
}

/* For the 64-bit unsigned fields (clock ticks, seconds). */
static inline TAP_PRINTF(3, 4) int is_uint(unsigned long long got, unsigned long long expected,
                                          char const *format, ...)
{
  va_list args;
  int passed = got == expected;
  va_start(args, format);
  tap_result(passed, format, args);
  va_end(args);
  if (!passed) diag("got: %llu, expected: %llu", got, expected);
  return passed;
}

static inline TAP_PRINTF(3, 4) int is_str(char const *got, char const *expected, char const *format, ...)
{
  va_list args;
  int passed = got && expected && !strcmp(got, expected);
  va_start(args, format);
  tap_result(passed, format, args);
  va_end(args);
  if (!passed) diag("got: '%s', expected: '%s'", got ? got : "(null)", expected ? expected : "(null)");
  return passed;
}

/* Print the plan; the exit code for main: 0 when every assertion passed. */
static inline int done_testing(void)
{
  printf("1..%u\n", tap.count);
  if (tap.failed) diag("%u of %u assertions failed", tap.failed, tap.count);
  return tap.failed ? 1 : 0;
}

#endif
