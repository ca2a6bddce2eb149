/*
 * A stand-in for SpinCore's spinapi with the same C ABI, for tests: it behaves like a PulseBlaster
 * PB24-100 with one board (configurable), checks every instruction against the hardware limits
 * (24 flag bits, minimum instruction length, 32-bit delay count, loop count < 2^20, long-delay
 * multiplier >= 2, END_LOOP closing an open LOOP, 8 nested loops, instruction memory), and records
 * every call so a test can read back exactly what the driver programmed. Execution is simulated:
 * pb_start starts a clock and pb_read_status reports "running" until the program's duration
 * (computed by playing the table like the hardware) has elapsed, scaled by fake_set_time_scale.
 *
 * Build: gcc -shared -fPIC -O2 -o libfakespinapi.so fake-spinapi.c
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CONTINUE 0
#define STOP 1
#define LOOP 2
#define END_LOOP 3
#define LONG_DELAY 7

#define MAX_RECORDED 1000000
#define MAX_LOG 65536

typedef struct {
  unsigned int flags;
  int inst;
  int data;
  double length;
} instruction_t;

static int boards = 1;
static int memory_words = 4096;
static int min_cycles = 5;
static int max_nesting = 8;
static double time_scale = 1.0;

static int selected = -1;
static int initialized = 0;
static int programming = 0;
static int programmed = 0;
static double clock_mhz = 0.0;
static int count = 0;
static instruction_t program[MAX_RECORDED];
static int open_loops[64];
static int depth = 0;
static char error[512] = "";
static char log_text[MAX_LOG] = "";
static double started_at = -1.0;
static double duration_s = 0.0;
static int running = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void log_call(const char *text) {
  size_t used = strlen(log_text);
  if (used + strlen(text) + 2 < MAX_LOG) {
    strcat(log_text, text);
    strcat(log_text, "\n");
  }
}

static int fail(int code, const char *message) {
  snprintf(error, sizeof error, "%s", message);
  return code;
}

/* --- test controls ------------------------------------------------------------------------- */

void fake_reset(void) {
  boards = 1;
  memory_words = 4096;
  min_cycles = 5;
  max_nesting = 8;
  time_scale = 1.0;
  selected = -1;
  initialized = 0;
  programming = 0;
  programmed = 0;
  clock_mhz = 0.0;
  count = 0;
  depth = 0;
  error[0] = 0;
  log_text[0] = 0;
  started_at = -1.0;
  duration_s = 0.0;
  running = 0;
}

void fake_configure(int board_count, int memory, int minimum_cycles) {
  boards = board_count;
  memory_words = memory;
  min_cycles = minimum_cycles;
}

void fake_set_time_scale(double scale) { time_scale = scale; }

int fake_instruction_count(void) { return count; }

int fake_instruction(int i, unsigned int *flags, int *inst, int *data, double *length) {
  if (i < 0 || i >= count) return -1;
  *flags = program[i].flags;
  *inst = program[i].inst;
  *data = program[i].data;
  *length = program[i].length;
  return 0;
}

const char *fake_call_log(void) { return log_text; }

double fake_program_duration(void) { return duration_s; }

/* --- spinapi ------------------------------------------------------------------------------- */

const char *pb_get_version(void) { return "20240101-fake"; }

const char *pb_get_error(void) { return error; }

int pb_set_debug(int debug) {
  (void)debug;
  log_call("pb_set_debug");
  return 0;
}

int pb_count_boards(void) {
  log_call("pb_count_boards");
  return boards;
}

int pb_select_board(int board) {
  log_call("pb_select_board");
  if (board < 0 || board >= boards) return fail(-1, "no such board");
  selected = board;
  return 0;
}

int pb_init(void) {
  log_call("pb_init");
  if (boards == 0) return fail(-1, "no board found");
  if (selected < 0) selected = 0;
  initialized = 1;
  return 0;
}

int pb_close(void) {
  log_call("pb_close");
  initialized = 0;
  running = 0;
  return 0;
}

void pb_core_clock(double mhz) {
  log_call("pb_core_clock");
  clock_mhz = mhz;
}

int pb_start_programming(int device) {
  log_call("pb_start_programming");
  if (!initialized) return fail(-1, "board not initialized");
  if (device != 0) return fail(-1, "only PULSE_PROGRAM (0) is supported");
  if (clock_mhz <= 0) return fail(-1, "pb_core_clock was not called");
  programming = 1;
  programmed = 0;
  count = 0;
  depth = 0;
  return 0;
}

int pb_inst_pbonly(unsigned int flags, int inst, int inst_data, double length) {
  if (!programming) return fail(-1, "pb_inst_pbonly outside pb_start_programming");
  if (count >= memory_words || count >= MAX_RECORDED) return fail(-2, "program memory is full");
  if (flags >= (1u << 24)) return fail(-3, "flags wider than 24 bits");
  double cycles = length * clock_mhz / 1000.0;
  if (fabs(cycles - round(cycles)) > 1e-6) return fail(-4, "length is not a whole number of clock cycles");
  if (round(cycles) < min_cycles) return fail(-91, "instruction shorter than the minimum length");
  if (round(cycles) > 4294967295.0) return fail(-5, "delay count wider than 32 bits");
  switch (inst) {
    case CONTINUE:
    case STOP:
      break;
    case LOOP:
      if (inst_data < 1 || inst_data >= (1 << 20)) return fail(-6, "loop count out of range");
      if (depth >= max_nesting) return fail(-7, "loops nested too deep");
      open_loops[depth++] = count;
      break;
    case END_LOOP:
      if (depth == 0 || open_loops[depth - 1] != inst_data)
        return fail(-8, "END_LOOP does not close the innermost open LOOP");
      depth--;
      break;
    case LONG_DELAY:
      if (inst_data < 2 || inst_data >= (1 << 20)) return fail(-9, "long delay multiplier out of range");
      break;
    default:
      return fail(-10, "opcode not supported by the fake");
  }
  program[count].flags = flags;
  program[count].inst = inst;
  program[count].data = inst_data;
  program[count].length = length;
  return count++;
}

/* Plays the table like the hardware, summing the time; -1 if malformed. */
static double play(void) {
  int pc = 0;
  int stack_address[64];
  int stack_remaining[64];
  int top = 0;
  double total_ns = 0.0;
  long long steps = 0;
  while (pc >= 0 && pc < count) {
    instruction_t *i = &program[pc];
    if (++steps > 400000000LL) return -1.0;
    switch (i->inst) {
      case STOP:
        return total_ns * 1e-9;
      case LOOP:
        if (top == 0 || stack_address[top - 1] != pc) {
          stack_address[top] = pc;
          stack_remaining[top] = i->data;
          top++;
        }
        total_ns += i->length;
        pc++;
        break;
      case END_LOOP:
        total_ns += i->length;
        if (top == 0) return -1.0;
        if (--stack_remaining[top - 1] > 0) {
          pc = stack_address[top - 1];
        } else {
          top--;
          pc++;
        }
        break;
      case LONG_DELAY:
        total_ns += i->length * i->data;
        pc++;
        break;
      default:
        total_ns += i->length;
        pc++;
    }
  }
  return -1.0;
}

int pb_stop_programming(void) {
  log_call("pb_stop_programming");
  if (!programming) return fail(-1, "pb_stop_programming without pb_start_programming");
  programming = 0;
  if (depth != 0) return fail(-11, "a LOOP is never closed");
  if (count == 0 || program[count - 1].inst != STOP) return fail(-12, "the program does not end with STOP");
  duration_s = play();
  if (duration_s < 0) return fail(-13, "the program is malformed");
  programmed = 1;
  return 0;
}

int pb_reset(void) {
  log_call("pb_reset");
  running = 0;
  started_at = -1.0;
  return 0;
}

int pb_start(void) {
  log_call("pb_start");
  if (!programmed) return fail(-1, "no program");
  running = 1;
  started_at = now_s();
  return 0;
}

int pb_stop(void) {
  log_call("pb_stop");
  running = 0;
  return 0;
}

int pb_read_status(void) {
  if (running && now_s() - started_at < duration_s * time_scale) return 4; /* running */
  if (started_at < 0) return 2;                                             /* reset */
  return 1;                                                                  /* stopped */
}
