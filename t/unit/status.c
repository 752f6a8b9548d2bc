/* Unit test of lib/svstatus and lib/svtime: our status file round-trips,
   daemontools' and runit's files are understood, anything else is refused.
   The foreign layouts are spelled out here byte by byte, independently of
   lib/svstatus.c, so that a slip there cannot hide behind the same slip here. */
#include <stdint.h>
#include <string.h>

#include "svstatus.h"
#include "svtime.h"
#include "tap.h"

/* daemontools' status file (supervise.c), and runit's two extra bytes. */
#define DT_OFFSET_TAI64N 0
#define DT_OFFSET_PID 12     /* little-endian 32 bits */
#define DT_OFFSET_PAUSED 16
#define DT_OFFSET_WANT 17
#define RUNIT_OFFSET_TERM_FLAG 18
#define RUNIT_OFFSET_RUN_STATE 19
#define RUNIT_STATE_FINISH 2

/* TAI64N label of the Unix epoch: 2^62 + 10 (daemontools' leap-second offset). */
#define TAI64_LABEL_UNIX_EPOCH ((UINT64_C(1) << 62) + 10)

/* s6-supervise's status file sizes (s6 < 2.11, and 2.11 on). */
#define S6_STATUS_SIZE_OLD 35
#define S6_STATUS_SIZE 43

/* Where vigil's magic sits: right after runit's 20 bytes. */
#define VIGIL_OFFSET_MAGIC 20

#define SAMPLE_UNIX_SECONDS UINT64_C(1700000000)
#define SAMPLE_NANOSECONDS UINT32_C(123456789)
#define SAMPLE_PID UINT32_C(0x12345678)

static void put_tai64n(char *out, uint64_t unix_seconds, uint32_t nanoseconds)
{
  uint64_t label = TAI64_LABEL_UNIX_EPOCH + unix_seconds;
  for (int i = 0; i < 8; i++) out[i] = (char)(label >> (56 - 8 * i));
  for (int i = 0; i < 4; i++) out[8 + i] = (char)(nanoseconds >> (24 - 8 * i));
}

static void put_le32(char *out, uint32_t value)
{
  for (int i = 0; i < 4; i++) out[i] = (char)(value >> (8 * i));
}

/* An 18-byte daemontools file (or the first 18 bytes of a runit one). */
static void make_daemontools(char *out, uint32_t pid, char paused, char want)
{
  memset(out, 0, SVSTATUS_SIZE_DAEMONTOOLS);
  put_tai64n(out + DT_OFFSET_TAI64N, SAMPLE_UNIX_SECONDS, SAMPLE_NANOSECONDS);
  put_le32(out + DT_OFFSET_PID, pid);
  out[DT_OFFSET_PAUSED] = paused;
  out[DT_OFFSET_WANT] = want;
}

static void make_runit(char *out, uint32_t pid, char want, char term_flag, char run_state)
{
  make_daemontools(out, pid, 0, want);
  out[RUNIT_OFFSET_TERM_FLAG] = term_flag;
  out[RUNIT_OFFSET_RUN_STATE] = run_state;
}

/* Every field set to something distinctive, none left at zero. */
static struct svstatus sample_status(void)
{
  struct svstatus status;
  memset(&status, 0, sizeof status);
  status.format = SVSTATUS_FORMAT_VIGIL;
  status.changed.sec = SAMPLE_UNIX_SECONDS;
  status.changed.nsec = SAMPLE_NANOSECONDS;
  status.pid = SAMPLE_PID;
  status.paused = true;
  status.want = SVSTATUS_WANT_UP;
  status.term_sent = true;
  status.state = SVSTATUS_RUN;
  status.ready = true;
  status.ready_at.sec = SAMPLE_UNIX_SECONDS + 3;
  status.ready_at.nsec = 999999999;
  status.has_exited = true;
  status.last_wait_status = 0x7f00 | 42;
  status.reason = SVSTATUS_REASON_THROTTLED;
  status.pid_start_time = UINT64_C(0x0123456789abcdef);
  status.live = true;
  status.restarts = 0xfedcba98u;
  status.supervised_ns = UINT64_C(1500000000);
  status.first_spawn_ns = UINT64_C(1600000001);
  status.first_ready_ns = UINT64_C(0x8000000000000002);
  status.spawned_ns = UINT64_C(0xfffffffffffffff3);
  status.group = 0x80000001u;
  return status;
}

static void check_same_status(struct svstatus const *got, struct svstatus const *expected, char const *what)
{
  is_int(got->format, expected->format, "%s: format", what);
  is_uint(got->changed.sec, expected->changed.sec, "%s: changed seconds", what);
  is_uint(got->changed.nsec, expected->changed.nsec, "%s: changed nanoseconds", what);
  is_uint(got->pid, expected->pid, "%s: pid", what);
  is_int(got->paused, expected->paused, "%s: paused", what);
  is_int(got->want, expected->want, "%s: want", what);
  is_int(got->term_sent, expected->term_sent, "%s: term_sent", what);
  is_int(got->state, expected->state, "%s: run state", what);
  is_int(got->ready, expected->ready, "%s: ready", what);
  is_uint(got->ready_at.sec, expected->ready_at.sec, "%s: ready_at seconds", what);
  is_uint(got->ready_at.nsec, expected->ready_at.nsec, "%s: ready_at nanoseconds", what);
  is_int(got->has_exited, expected->has_exited, "%s: has_exited", what);
  is_int(got->last_wait_status, expected->last_wait_status, "%s: last wait status", what);
  is_int(got->reason, expected->reason, "%s: reason", what);
  is_uint(got->pid_start_time, expected->pid_start_time, "%s: pid start time", what);
  is_int(got->live, expected->live, "%s: live", what);
  is_uint(got->restarts, expected->restarts, "%s: restarts", what);
  is_uint(got->supervised_ns, expected->supervised_ns, "%s: supervised at", what);
  is_uint(got->first_spawn_ns, expected->first_spawn_ns, "%s: first spawn at", what);
  is_uint(got->first_ready_ns, expected->first_ready_ns, "%s: first ready at", what);
  is_uint(got->spawned_ns, expected->spawned_ns, "%s: spawned at", what);
  is_uint(got->group, expected->group, "%s: group", what);
}

static void test_round_trip(void)
{
  char bytes[SVSTATUS_SIZE];
  struct svstatus original = sample_status();
  struct svstatus decoded;

  svstatus_pack(bytes, &original);
  is_int(svstatus_unpack(&decoded, bytes, sizeof bytes), 0, "a packed status unpacks");
  check_same_status(&decoded, &original, "round trip, every field set");

  /* The other values of the enums and flags, and a down service. */
  original.paused = false;
  original.want = SVSTATUS_WANT_DOWN;
  original.term_sent = false;
  original.state = SVSTATUS_FINISH;
  original.pid = 0;
  original.ready = false;
  original.has_exited = false;
  original.live = false;
  original.reason = SVSTATUS_REASON_FINISH_SAID_STOP;
  svstatus_pack(bytes, &original);
  is_int(svstatus_unpack(&decoded, bytes, sizeof bytes), 0, "a finishing status unpacks");
  check_same_status(&decoded, &original, "round trip, finishing, flags clear");

  original.want = SVSTATUS_WANT_NOTHING;
  original.state = SVSTATUS_DOWN;
  original.reason = SVSTATUS_REASON_RUN_MISSING;
  original.pid_start_time = 0;
  svstatus_pack(bytes, &original);
  is_int(svstatus_unpack(&decoded, bytes, sizeof bytes), 0, "a down 'once' status unpacks");
  check_same_status(&decoded, &original, "round trip, down, want nothing");

  for (int reason = SVSTATUS_REASON_NONE; reason <= SVSTATUS_REASON_UNHEALTHY; reason++) {
    original.reason = (enum svstatus_reason)reason;
    svstatus_pack(bytes, &original);
    ok(svstatus_unpack(&decoded, bytes, sizeof bytes) == 0 && decoded.reason == original.reason,
       "reason %d round-trips", reason);
  }
}

/* Our file, read by daemontools' svstat (18 bytes) or runit's sv (20 bytes). */
static void test_packed_layout(void)
{
  char bytes[SVSTATUS_SIZE];
  char expected[SVSTATUS_SIZE_RUNIT];
  struct svstatus original = sample_status();
  struct svstatus decoded;

  original.paused = true;
  original.want = SVSTATUS_WANT_DOWN;
  original.term_sent = true;
  original.state = SVSTATUS_FINISH;
  svstatus_pack(bytes, &original);
  make_runit(expected, SAMPLE_PID, 'd', 1, RUNIT_STATE_FINISH);
  expected[DT_OFFSET_PAUSED] = 1;
  ok(!memcmp(bytes, expected, SVSTATUS_SIZE_DAEMONTOOLS), "packed status starts with daemontools' 18 bytes");
  ok(!memcmp(bytes, expected, SVSTATUS_SIZE_RUNIT), "packed status starts with runit's 20 bytes");

  is_int(svstatus_unpack(&decoded, bytes, SVSTATUS_SIZE_DAEMONTOOLS), 0, "its first 18 bytes read as daemontools'");
  is_uint(decoded.pid, SAMPLE_PID, "daemontools' view: pid");
  is_int(decoded.want, SVSTATUS_WANT_DOWN, "daemontools' view: want");
  is_int(decoded.paused, true, "daemontools' view: paused");
  is_uint(decoded.changed.sec, SAMPLE_UNIX_SECONDS, "daemontools' view: changed");
  is_int(svstatus_unpack(&decoded, bytes, SVSTATUS_SIZE_RUNIT), 0, "its first 20 bytes read as runit's");
  is_int(decoded.state, SVSTATUS_FINISH, "runit's view: finish state");
  is_int(decoded.term_sent, true, "runit's view: term flag");
}

static void test_daemontools(void)
{
  char bytes[SVSTATUS_SIZE_DAEMONTOOLS];
  struct svstatus status;

  make_daemontools(bytes, SAMPLE_PID, 1, 'u');
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), 0, "18-byte daemontools status is understood");
  is_int(status.format, SVSTATUS_FORMAT_DAEMONTOOLS, "daemontools: format");
  is_uint(status.changed.sec, SAMPLE_UNIX_SECONDS, "daemontools: TAI64N seconds");
  is_uint(status.changed.nsec, SAMPLE_NANOSECONDS, "daemontools: TAI64N nanoseconds");
  is_uint(status.pid, SAMPLE_PID, "daemontools: pid is little-endian at byte 12");
  is_int(status.paused, true, "daemontools: paused byte");
  is_int(status.want, SVSTATUS_WANT_UP, "daemontools: want 'u'");
  is_int(status.state, SVSTATUS_RUN, "daemontools: a pid means running");
  is_int(status.term_sent, false, "daemontools: no term flag");
  is_int(status.ready, false, "daemontools: vigil's ready flag is clear");
  is_int(status.has_exited, false, "daemontools: vigil's exit status is absent");
  is_int(status.reason, SVSTATUS_REASON_NONE, "daemontools: no reason");

  make_daemontools(bytes, 0, 0, 'd');
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), 0, "daemontools status of a down service");
  is_uint(status.pid, 0, "daemontools down: pid 0");
  is_int(status.state, SVSTATUS_DOWN, "daemontools down: state down");
  is_int(status.want, SVSTATUS_WANT_DOWN, "daemontools down: want 'd'");
  is_int(status.paused, false, "daemontools down: not paused");
}

static void test_runit(void)
{
  char bytes[SVSTATUS_SIZE_RUNIT];
  struct svstatus status;

  make_runit(bytes, SAMPLE_PID, 'u', 1, RUNIT_STATE_FINISH);
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), 0, "20-byte runit status is understood");
  is_int(status.format, SVSTATUS_FORMAT_RUNIT, "runit: format");
  is_uint(status.changed.sec, SAMPLE_UNIX_SECONDS, "runit: TAI64N seconds");
  is_uint(status.changed.nsec, SAMPLE_NANOSECONDS, "runit: TAI64N nanoseconds");
  is_uint(status.pid, SAMPLE_PID, "runit: pid");
  is_int(status.want, SVSTATUS_WANT_UP, "runit: want");
  is_int(status.term_sent, true, "runit: term flag at byte 18");
  is_int(status.state, SVSTATUS_FINISH, "runit: run state at byte 19 (finish)");

  make_runit(bytes, SAMPLE_PID, 'u', 0, SVSTATUS_RUN);
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), 0, "runit status, running");
  is_int(status.state, SVSTATUS_RUN, "runit: run state run");
  is_int(status.term_sent, false, "runit: term flag clear");

  make_runit(bytes, 0, 'd', 0, SVSTATUS_DOWN);
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), 0, "runit status, down");
  is_int(status.state, SVSTATUS_DOWN, "runit: run state down");
  is_int(status.want, SVSTATUS_WANT_DOWN, "runit: want down");

  make_runit(bytes, SAMPLE_PID, 'u', 0, 3);
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), -1, "runit status with run state 3 is rejected");
  make_runit(bytes, SAMPLE_PID, 'u', 0, (char)0xff);
  is_int(svstatus_unpack(&status, bytes, sizeof bytes), -1, "runit status with run state 255 is rejected");
}

static void test_rejected(void)
{
  static size_t const bad_sizes[] = {
    0, 1, 5, 11, 12, 17, 19, 21, 24, 34, S6_STATUS_SIZE_OLD, S6_STATUS_SIZE, 51, 52, 53, 64, 87, 88, 89, 91, 93
  };
  /* Big enough for every size above; filled like a real vigil status. */
  char bytes[2 * SVSTATUS_SIZE];
  struct svstatus original = sample_status();
  struct svstatus status;

  memset(bytes, 0, sizeof bytes);
  svstatus_pack(bytes, &original);
  for (size_t i = 0; i < sizeof bad_sizes / sizeof bad_sizes[0]; i++)
    is_int(svstatus_unpack(&status, bytes, bad_sizes[i]), -1, "a %zu-byte status is rejected", bad_sizes[i]);

  /* An s6 file starts with a TAI64N stamp too: only its length tells. */
  memset(bytes, 0, sizeof bytes);
  put_tai64n(bytes, SAMPLE_UNIX_SECONDS, SAMPLE_NANOSECONDS);
  is_int(svstatus_unpack(&status, bytes, S6_STATUS_SIZE_OLD), -1, "s6's 35-byte status is rejected");
  is_int(svstatus_unpack(&status, bytes, S6_STATUS_SIZE), -1, "s6's 43-byte status is rejected");

  svstatus_pack(bytes, &original);
  bytes[VIGIL_OFFSET_MAGIC] ^= 0x20;
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE), -1, "a 92-byte status with a wrong magic is rejected");
  svstatus_pack(bytes, &original);
  bytes[VIGIL_OFFSET_MAGIC + 3]++;
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE), -1, "a 92-byte status of another layout version is rejected");
  memset(bytes, 0, SVSTATUS_SIZE);
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE), -1, "92 zero bytes are rejected");

  svstatus_pack(bytes, &original);
  bytes[RUNIT_OFFSET_RUN_STATE] = 3;
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE), -1, "a vigil status with run state 3 is rejected");
}

/* Layout 1, 52 bytes, as the previous release's supervisor wrote it:
   read (a handover across an upgrade), with no history. */
static void test_layout1(void)
{
  char bytes[SVSTATUS_SIZE];
  struct svstatus original = sample_status();
  struct svstatus status;
  svstatus_pack(bytes, &original);
  bytes[VIGIL_OFFSET_MAGIC + 3] = 1;
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE_V1), 0, "layout 1's 52 bytes are read");
  original.restarts = 0;
  original.supervised_ns = original.first_spawn_ns = original.first_ready_ns = original.spawned_ns = 0;
  original.group = 0;
  check_same_status(&status, &original, "layout 1");
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE), -1, "layout 1's magic in 92 bytes is rejected");
  bytes[VIGIL_OFFSET_MAGIC + 3] = 2;
  is_int(svstatus_unpack(&status, bytes, SVSTATUS_SIZE_V1), -1, "layout 2's magic in 52 bytes is rejected");
}

static void test_svtime(void)
{
  static struct svtime const samples[] = {
    { 0, 0 },
    { 1, 1 },
    { SAMPLE_UNIX_SECONDS, SAMPLE_NANOSECONDS },
    { SAMPLE_UNIX_SECONDS, 999999999 },
    { UINT64_C(4102444800), 500000000 },   /* 2100-01-01 */
  };
  char packed[SVTIME_PACKED_SIZE];
  char expected[SVTIME_PACKED_SIZE];
  struct svtime decoded;
  struct svtime earlier = { SAMPLE_UNIX_SECONDS, 0 };
  struct svtime later = { SAMPLE_UNIX_SECONDS + 90, 1 };

  for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
    svtime_pack(packed, &samples[i]);
    put_tai64n(expected, samples[i].sec, samples[i].nsec);
    ok(!memcmp(packed, expected, sizeof packed), "svtime_pack(%llu.%09u) is the TAI64N label",
       (unsigned long long)samples[i].sec, (unsigned int)samples[i].nsec);
    svtime_unpack(packed, &decoded);
    ok(decoded.sec == samples[i].sec && decoded.nsec == samples[i].nsec, "svtime %llu.%09u round-trips",
       (unsigned long long)samples[i].sec, (unsigned int)samples[i].nsec);
  }

  memset(packed, 0, sizeof packed);
  svtime_unpack(packed, &decoded);
  is_uint(decoded.sec, 0, "a label before the Unix epoch unpacks to 0, not a huge number");

  is_uint(svtime_seconds_since(&earlier, &later), 90, "seconds_since counts whole seconds");
  is_uint(svtime_seconds_since(&later, &earlier), 0, "seconds_since a future time is 0");
}

int main(void)
{
  test_round_trip();
  test_packed_layout();
  test_layout1();
  test_daemontools();
  test_runit();
  test_rejected();
  test_svtime();
  return done_testing();
}
