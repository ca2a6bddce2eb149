/*
 * A stand-in for NI-DAQmx (libnidaqmx.so) with the same C ABI, for tests. It implements the calls
 * the NI 6738 driver of @shotline/ni-daqmx makes and checks their arguments like the real driver
 * would for an NI PCIe-6738 (32 analog outputs, +-10 V): task handles, physical channel strings
 * ("Dev1/ao0:31", lists and ranges), voltage ranges and units, the sample clock (a PFI terminal of the
 * same device, rising or falling edge, finite generation of at least 2 samples, at most 400 kS/s),
 * the digital filter, and the written buffer (GroupByChannel, exactly the configured sample count,
 * no auto start). It records every call and every written buffer so a test can read back exactly
 * what the driver programmed, and simulates the generation: a started task is done after its sample
 * count at the configured rate (scaled by the time scale).
 *
 * Errors use NI-DAQmx's negative status codes and its message style (a description, then
 * "Property:", "Device:", "Task Name:", "Status Code:" lines) through DAQmxGetExtendedErrorInfo.
 *
 * Configuration (environment, read at the first call, or the test controls below):
 *   FAKEDAQMX_DEVICES      "Dev1=NI PCIe-6738;Dev2=NI USB-6009" (default: one PCIe-6738, Dev1)
 *   FAKEDAQMX_VERSION      "23.5" (major.minor reported by DAQmxGetSysNIDAQMajor/MinorVersion)
 *   FAKEDAQMX_TIME_SCALE   how long a generation takes relative to real time (default 1; 0: at once)
 *   FAKEDAQMX_RECORD_DIR   a folder: every call is appended to calls.log and every written buffer
 *                          saved as write-<n>.f64 (raw little-endian float64, GroupByChannel)
 *
 * Build: gcc -shared -fPIC -O2 -o libfakedaqmx.so fakedaqmx.c
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int int32;
typedef unsigned int uInt32;
typedef uInt32 bool32;
typedef double float64;
typedef unsigned long long uInt64;
typedef void *TaskHandle;

#define DAQmx_Val_Volts 10348
#define DAQmx_Val_Rising 10280
#define DAQmx_Val_Falling 10171
#define DAQmx_Val_FiniteSamps 10178
#define DAQmx_Val_ContSamps 10123
#define DAQmx_Val_GroupByChannel 0
#define DAQmx_Val_GroupByScanNumber 1

#define ERR_INVALID_TASK -200088
#define ERR_INVALID_DEVICE -200220
#define ERR_PHYS_CHAN_DOES_NOT_EXIST -200170
#define ERR_INVALID_ATTRIBUTE_VALUE -200077
#define ERR_NO_DATA_IN_BUFFER -200462
#define ERR_OPERATION_WHILE_RUNNING -200479
#define ERR_WAIT_UNTIL_DONE -200560
#define ERR_INVALID_ROUTING_SOURCE -89120
#define ERR_WRITE_MISMATCH -200524
#define ERR_DUPLICATE_CHANNEL -200489
#define ERR_BUFFER_TOO_SMALL -200228

#define MAX_DEVICES 8
#define MAX_TASKS 16
#define MAX_CHANNELS 32
#define MAX_LOG 262144
#define MAGIC 0x44415121

typedef struct {
  char name[64];
  char product[64];
} device_t;

typedef struct {
  int magic;
  int used;
  char name[128];
  int device; /* index in devices, -1 before a channel is added */
  int channels[MAX_CHANNELS];
  int channel_count;
  double min_val, max_val;
  int timing;
  char clock_source[128];
  double rate;
  int edge;
  int mode;
  uInt64 samples;
  int filter_enabled;
  double filter_width;
  double *data;
  uInt64 written;
  int running;
  double started_at;
  int generation_error; /* a failure injected into the running generation */
} task_t;

static int initialized = 0;
static device_t devices[MAX_DEVICES];
static int device_count = 0;
static unsigned int major_version = 23, minor_version = 5;
static double time_scale = 1.0;
static char record_dir[1024] = "";
static task_t tasks[MAX_TASKS];
static char last_error[4096] = "";
static char log_text[MAX_LOG] = "";
static int write_counter = 0;
static char inject_function[64] = "";
static int inject_code = 0;
static int inject_after = 0;

/* --- helpers ----------------------------------------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void set_devices(const char *spec) {
  device_count = 0;
  const char *p = spec;
  while (*p && device_count < MAX_DEVICES) {
    const char *end = strchr(p, ';');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *eq = memchr(p, '=', len);
    if (eq) {
      device_t *d = &devices[device_count++];
      snprintf(d->name, sizeof d->name, "%.*s", (int)(eq - p), p);
      snprintf(d->product, sizeof d->product, "%.*s", (int)(len - (eq - p) - 1), eq + 1);
    }
    if (!end) break;
    p = end + 1;
  }
}

static void init_once(void) {
  if (initialized) return;
  initialized = 1;
  const char *spec = getenv("FAKEDAQMX_DEVICES");
  set_devices(spec && *spec ? spec : "Dev1=NI PCIe-6738");
  const char *version = getenv("FAKEDAQMX_VERSION");
  if (version && *version) sscanf(version, "%u.%u", &major_version, &minor_version);
  const char *scale = getenv("FAKEDAQMX_TIME_SCALE");
  if (scale && *scale) time_scale = atof(scale);
  const char *dir = getenv("FAKEDAQMX_RECORD_DIR");
  if (dir && *dir) snprintf(record_dir, sizeof record_dir, "%s", dir);
}

static void log_call(const char *format, ...) {
  char line[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(line, sizeof line, format, args);
  va_end(args);
  size_t used = strlen(log_text);
  if (used + strlen(line) + 2 < MAX_LOG) {
    strcat(log_text, line);
    strcat(log_text, "\n");
  }
  if (record_dir[0]) {
    char path[1200];
    snprintf(path, sizeof path, "%s/calls.log", record_dir);
    FILE *f = fopen(path, "a");
    if (f) {
      fprintf(f, "%s\n", line);
      fclose(f);
    }
  }
}

/* Records an error in NI's message style and returns its code. */
static int fail(int code, const char *task_name, const char *format, ...) {
  char description[2048];
  va_list args;
  va_start(args, format);
  vsnprintf(description, sizeof description, format, args);
  va_end(args);
  if (task_name && *task_name)
    snprintf(last_error, sizeof last_error, "%s\n\nTask Name: %s\n\nStatus Code: %d", description,
             task_name, code);
  else
    snprintf(last_error, sizeof last_error, "%s\n\nStatus Code: %d", description, code);
  return code;
}

/* An injected failure for this function, if one is armed. */
static int injected(const char *function, const char *task_name) {
  if (inject_code == 0 || strcmp(function, inject_function) != 0) return 0;
  if (inject_after > 0) {
    inject_after--;
    return 0;
  }
  int code = inject_code;
  inject_code = 0;
  return fail(code, task_name, "Injected failure of %s.", function);
}

static task_t *find_task(TaskHandle handle) {
  for (int i = 0; i < MAX_TASKS; i++) {
    if ((TaskHandle)&tasks[i] == handle && tasks[i].used && tasks[i].magic == MAGIC) return &tasks[i];
  }
  return NULL;
}

static int find_device(const char *name, size_t len) {
  for (int i = 0; i < device_count; i++) {
    if (strlen(devices[i].name) == len && strncasecmp(devices[i].name, name, len) == 0) return i;
  }
  return -1;
}

static int ao_count(int device) { return strstr(devices[device].product, "6738") ? 32 : 0; }

static int generation_done(task_t *t) {
  if (!t->running) return 1;
  double duration = (double)t->samples / t->rate * time_scale;
  return now_s() - t->started_at >= duration;
}

static void copy_out(char *buffer, uInt32 size, const char *text) {
  if (buffer == NULL || size == 0) return;
  snprintf(buffer, size, "%s", text);
}

/* --- test controls ---------------------------------------------------------------------------- */

void fakedaqmx_reset(void) {
  initialized = 0;
  for (int i = 0; i < MAX_TASKS; i++) {
    free(tasks[i].data);
    memset(&tasks[i], 0, sizeof tasks[i]);
  }
  major_version = 23;
  minor_version = 5;
  time_scale = 1.0;
  record_dir[0] = 0;
  last_error[0] = 0;
  log_text[0] = 0;
  write_counter = 0;
  inject_function[0] = 0;
  inject_code = 0;
  init_once();
}

void fakedaqmx_set_devices(const char *spec) {
  init_once();
  set_devices(spec);
}

void fakedaqmx_set_version(unsigned int major, unsigned int minor) {
  init_once();
  major_version = major;
  minor_version = minor;
}

void fakedaqmx_set_time_scale(double scale) {
  init_once();
  time_scale = scale;
}

/* The next call of `function` (after `after` successful ones) returns `code`. The function
 * "generation" makes a running task fail with `code` (seen by DAQmxIsTaskDone). */
void fakedaqmx_inject_error(const char *function, int code, int after) {
  init_once();
  snprintf(inject_function, sizeof inject_function, "%s", function);
  inject_code = code;
  inject_after = after;
}

const char *fakedaqmx_call_log(void) { return log_text; }

/* Tasks that exist (created and not cleared). */
int fakedaqmx_open_tasks(void) {
  int n = 0;
  for (int i = 0; i < MAX_TASKS; i++) n += tasks[i].used;
  return n;
}

static task_t *last_task(void) {
  for (int i = MAX_TASKS - 1; i >= 0; i--)
    if (tasks[i].used) return &tasks[i];
  return NULL;
}

/* The timing of the most recent task: source, rate, edge, mode, samples, filter, width. */
int fakedaqmx_timing(char *source, int size, double *rate, int *edge, int *mode, double *samples,
                     int *filter, double *width) {
  task_t *t = last_task();
  if (!t || !t->timing) return -1;
  snprintf(source, size, "%s", t->clock_source);
  *rate = t->rate;
  *edge = t->edge;
  *mode = t->mode;
  *samples = (double)t->samples;
  *filter = t->filter_enabled;
  *width = t->filter_width;
  return 0;
}

/* The channels of the most recent task, as ao numbers, and its device and range. */
int fakedaqmx_channels(int *channels, int size, char *device, int device_size, double *min_val,
                       double *max_val) {
  task_t *t = last_task();
  if (!t || t->device < 0) return -1;
  for (int i = 0; i < t->channel_count && i < size; i++) channels[i] = t->channels[i];
  snprintf(device, device_size, "%s", devices[t->device].name);
  *min_val = t->min_val;
  *max_val = t->max_val;
  return t->channel_count;
}

/* Samples per channel of the most recent write, and the data (channels x samples, by channel). */
double fakedaqmx_written_samples(void) {
  task_t *t = last_task();
  return t && t->data ? (double)t->written : -1;
}

int fakedaqmx_written_data(double *out, double count) {
  task_t *t = last_task();
  if (!t || !t->data) return -1;
  uInt64 n = (uInt64)count;
  if (n > t->written * t->channel_count) return -1;
  memcpy(out, t->data, n * sizeof(double));
  return 0;
}

/* --- NI-DAQmx ---------------------------------------------------------------------------------- */

int32 DAQmxGetSysNIDAQMajorVersion(uInt32 *data) {
  init_once();
  *data = major_version;
  return 0;
}

int32 DAQmxGetSysNIDAQMinorVersion(uInt32 *data) {
  init_once();
  *data = minor_version;
  return 0;
}

int32 DAQmxGetSysDevNames(char *data, uInt32 bufferSize) {
  init_once();
  char names[1024] = "";
  for (int i = 0; i < device_count; i++) {
    if (i) strcat(names, ", ");
    strcat(names, devices[i].name);
  }
  if (bufferSize == 0) return (int32)strlen(names) + 1;
  if (strlen(names) + 1 > bufferSize)
    return fail(ERR_BUFFER_TOO_SMALL, NULL, "Buffer is too small to fit the string.");
  copy_out(data, bufferSize, names);
  return 0;
}

int32 DAQmxGetDevProductType(const char device[], char *data, uInt32 bufferSize) {
  init_once();
  int d = find_device(device, strlen(device));
  if (d < 0)
    return fail(ERR_INVALID_DEVICE, NULL, "Device identifier is invalid.\n\nDevice Specified: %s",
                device);
  if (bufferSize == 0) return (int32)strlen(devices[d].product) + 1;
  copy_out(data, bufferSize, devices[d].product);
  return 0;
}

int32 DAQmxCreateTask(const char taskName[], TaskHandle *taskHandle) {
  init_once();
  log_call("DAQmxCreateTask \"%s\"", taskName);
  int code = injected("DAQmxCreateTask", taskName);
  if (code) return code;
  for (int i = 0; i < MAX_TASKS; i++) {
    if (!tasks[i].used) {
      memset(&tasks[i], 0, sizeof tasks[i]);
      tasks[i].used = 1;
      tasks[i].magic = MAGIC;
      tasks[i].device = -1;
      snprintf(tasks[i].name, sizeof tasks[i].name, "%s", taskName);
      *taskHandle = (TaskHandle)&tasks[i];
      return 0;
    }
  }
  return fail(-50352, taskName, "Memory full: the fake holds %d tasks at most.", MAX_TASKS);
}

int32 DAQmxClearTask(TaskHandle taskHandle) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxClearTask");
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  free(t->data);
  memset(t, 0, sizeof *t);
  return 0;
}

/* Parses "Dev1/ao0:31", "Dev1/ao3", "Dev1/ao0:3, Dev1/ao7" into ao numbers on one device. */
static int parse_channels(task_t *t, const char *spec) {
  char copy[1024];
  snprintf(copy, sizeof copy, "%s", spec);
  char *save = NULL;
  for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
    while (isspace((unsigned char)*item)) item++;
    char *slash = strchr(item, '/');
    if (!slash)
      return fail(ERR_PHYS_CHAN_DOES_NOT_EXIST, t->name,
                  "Physical channel specified does not exist on this device.\n\nPhysical Channel "
                  "Name: %s",
                  item);
    int d = find_device(item, (size_t)(slash - item));
    if (d < 0)
      return fail(ERR_INVALID_DEVICE, t->name,
                  "Device identifier is invalid.\n\nDevice Specified: %.*s\nSuggested Device(s): %s",
                  (int)(slash - item), item, device_count ? devices[0].name : "(none)");
    if (t->device >= 0 && t->device != d)
      return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                  "The fake supports the channels of one device per task.");
    int first, last;
    char tail;
    int matched = sscanf(slash + 1, "ao%d:%d%c", &first, &last, &tail);
    if (matched != 2) {
      matched = sscanf(slash + 1, "ao%d%c", &first, &tail);
      if (matched != 1)
        return fail(ERR_PHYS_CHAN_DOES_NOT_EXIST, t->name,
                    "Physical channel specified does not exist on this device.\n\nPhysical Channel "
                    "Name: %s\nDevice: %s",
                    slash + 1, devices[d].name);
      last = first;
    }
    int count = ao_count(d);
    if (first < 0 || last < first || last >= count)
      return fail(ERR_PHYS_CHAN_DOES_NOT_EXIST, t->name,
                  "Physical channel specified does not exist on this device.\n\nPhysical Channel "
                  "Name: %s\nValid Physical Channels: %s/ao0:%d\nDevice: %s",
                  item, devices[d].name, count - 1, devices[d].name);
    for (int c = first; c <= last; c++) {
      for (int k = 0; k < t->channel_count; k++)
        if (t->channels[k] == c)
          return fail(ERR_DUPLICATE_CHANNEL, t->name,
                      "Physical channel is used twice in the task.\n\nPhysical Channel Name: "
                      "%s/ao%d",
                      devices[d].name, c);
      t->channels[t->channel_count++] = c;
    }
    t->device = d;
  }
  return 0;
}

int32 DAQmxCreateAOVoltageChan(TaskHandle taskHandle, const char physicalChannel[],
                               const char nameToAssignToChannel[], float64 minVal, float64 maxVal,
                               int32 units, const char customScaleName[]) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxCreateAOVoltageChan \"%s\" \"%s\" %.17g %.17g %d", physicalChannel,
           nameToAssignToChannel ? nameToAssignToChannel : "", minVal, maxVal, units);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxCreateAOVoltageChan", t->name);
  if (code) return code;
  if (t->running)
    return fail(ERR_OPERATION_WHILE_RUNNING, t->name,
                "Specified operation cannot be performed while the task is running.");
  if (units != DAQmx_Val_Volts)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "AO.VoltageUnits\nRequested Value: %d\nPossible Values: DAQmx_Val_Volts (10348)",
                units);
  if (customScaleName && *customScaleName)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name, "The fake supports no custom scale.");
  if (!(minVal < maxVal) || minVal < -10.0 || maxVal > 10.0)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "AO.Max\nRequested Value: %g\nProperty: AO.Min\nRequested Value: %g\nPossible "
                "Values: -10 to 10",
                maxVal, minVal);
  int before = t->channel_count;
  code = parse_channels(t, physicalChannel);
  if (code) {
    t->channel_count = before;
    return code;
  }
  t->min_val = minVal;
  t->max_val = maxVal;
  return 0;
}

int32 DAQmxCfgSampClkTiming(TaskHandle taskHandle, const char source[], float64 rate,
                            int32 activeEdge, int32 sampleMode, uInt64 sampsPerChan) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxCfgSampClkTiming \"%s\" %.17g %d %d %llu", source ? source : "", rate, activeEdge,
           sampleMode, sampsPerChan);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxCfgSampClkTiming", t->name);
  if (code) return code;
  if (t->running)
    return fail(ERR_OPERATION_WHILE_RUNNING, t->name,
                "Specified operation cannot be performed while the task is running.");
  if (t->channel_count == 0)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name, "The task has no channel.");
  char expected_prefix[96];
  snprintf(expected_prefix, sizeof expected_prefix, "/%s/PFI", devices[t->device].name);
  int pfi = -1;
  char tail;
  if (!source || strncasecmp(source, expected_prefix, strlen(expected_prefix)) != 0 ||
      sscanf(source + strlen(expected_prefix), "%d%c", &pfi, &tail) != 1 || pfi < 0 || pfi > 15)
    return fail(ERR_INVALID_ROUTING_SOURCE, t->name,
                "Source terminal to be routed could not be found on the device.\n\nMake sure the "
                "terminal name is valid for the specified device.\n\nProperty: "
                "SampClk.Src\nSource Device: %s\nSource Terminal: %s",
                devices[t->device].name, source ? source : "");
  if (activeEdge != DAQmx_Val_Rising && activeEdge != DAQmx_Val_Falling)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "SampClk.ActiveEdge\nRequested Value: %d",
                activeEdge);
  if (sampleMode != DAQmx_Val_FiniteSamps && sampleMode != DAQmx_Val_ContSamps)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "SampQuant.SampMode\nRequested Value: %d",
                sampleMode);
  if (sampleMode == DAQmx_Val_FiniteSamps && sampsPerChan < 2)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "SampQuant.SampPerChan\nRequested Value: %llu\nPossible Values: 2 to 4294967295",
                sampsPerChan);
  if (!(rate > 0) || rate > 400000.0 * (1 + 1e-12))
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "SampClk.Rate\nRequested Value: %.17g\nPossible Values: 0 to 400000",
                rate);
  t->timing = 1;
  snprintf(t->clock_source, sizeof t->clock_source, "%s", source);
  t->rate = rate;
  t->edge = activeEdge;
  t->mode = sampleMode;
  t->samples = sampsPerChan;
  free(t->data);
  t->data = NULL;
  t->written = 0;
  return 0;
}

int32 DAQmxSetSampClkDigFltrEnable(TaskHandle taskHandle, bool32 data) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxSetSampClkDigFltrEnable %u", data);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxSetSampClkDigFltrEnable", t->name);
  if (code) return code;
  if (!t->timing)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name, "The sample clock is not configured.");
  t->filter_enabled = data ? 1 : 0;
  return 0;
}

int32 DAQmxSetSampClkDigFltrMinPulseWidth(TaskHandle taskHandle, float64 data) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxSetSampClkDigFltrMinPulseWidth %.17g", data);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxSetSampClkDigFltrMinPulseWidth", t->name);
  if (code) return code;
  if (!(data > 0) || data > 2.56e-3)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "Requested value is not a supported value for this property.\n\nProperty: "
                "SampClk.DigFltr.MinPulseWidth\nRequested Value: %.17g",
                data);
  t->filter_width = data;
  return 0;
}

int32 DAQmxWriteAnalogF64(TaskHandle taskHandle, int32 numSampsPerChan, bool32 autoStart,
                          float64 timeout, bool32 dataLayout, const float64 writeArray[],
                          int32 *sampsPerChanWritten, bool32 *reserved) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxWriteAnalogF64 %d %u %.17g %u", numSampsPerChan, autoStart, timeout, dataLayout);
  if (sampsPerChanWritten) *sampsPerChanWritten = 0;
  (void)reserved;
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxWriteAnalogF64", t->name);
  if (code) return code;
  if (t->running)
    return fail(ERR_OPERATION_WHILE_RUNNING, t->name,
                "Specified operation cannot be performed while the task is running.");
  if (!t->timing)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name, "The sample clock is not configured.");
  if (dataLayout != DAQmx_Val_GroupByChannel)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "The fake models DAQmx_Val_GroupByChannel (0) buffers only; got layout %u.",
                dataLayout);
  if (autoStart)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name,
                "The fake expects an explicit DAQmxStartTask (autoStart = 0).");
  if (numSampsPerChan < 0 || (uInt64)numSampsPerChan != t->samples)
    return fail(ERR_WRITE_MISMATCH, t->name,
                "Write of %d samples per channel does not match the %llu configured for the "
                "finite generation.",
                numSampsPerChan, t->samples);
  if (!writeArray)
    return fail(ERR_INVALID_ATTRIBUTE_VALUE, t->name, "The write array is NULL.");
  size_t total = (size_t)numSampsPerChan * (size_t)t->channel_count;
  for (size_t i = 0; i < total; i++) {
    if (!isfinite(writeArray[i]) || writeArray[i] < t->min_val || writeArray[i] > t->max_val) {
      size_t channel = i / (size_t)numSampsPerChan;
      return fail(-200561, t->name,
                  "Attempted writing analog data that is too large or too small.\n\nChannel Name: "
                  "%s/ao%d\nSample Index: %zu\nValue: %g",
                  devices[t->device].name, t->channels[channel], i % (size_t)numSampsPerChan,
                  writeArray[i]);
    }
  }
  free(t->data);
  t->data = malloc(total * sizeof(double));
  if (!t->data) return fail(-50352, t->name, "Memory full.");
  memcpy(t->data, writeArray, total * sizeof(double));
  t->written = (uInt64)numSampsPerChan;
  if (sampsPerChanWritten) *sampsPerChanWritten = numSampsPerChan;
  write_counter++;
  if (record_dir[0]) {
    char path[1200];
    snprintf(path, sizeof path, "%s/write-%d.f64", record_dir, write_counter);
    FILE *f = fopen(path, "wb");
    if (f) {
      fwrite(writeArray, sizeof(double), total, f);
      fclose(f);
    }
  }
  return 0;
}

int32 DAQmxStartTask(TaskHandle taskHandle) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxStartTask");
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxStartTask", t->name);
  if (code) return code;
  if (t->running)
    return fail(ERR_OPERATION_WHILE_RUNNING, t->name,
                "Specified operation cannot be performed while the task is running.");
  if (!t->timing || t->written != t->samples)
    return fail(ERR_NO_DATA_IN_BUFFER, t->name,
                "Generation cannot be started because the output buffer is empty.\n\nWrite data "
                "before starting a buffered generation.");
  t->running = 1;
  t->started_at = now_s();
  t->generation_error = 0;
  if (inject_code != 0 && strcmp(inject_function, "generation") == 0) {
    t->generation_error = inject_code;
    inject_code = 0;
  }
  return 0;
}

int32 DAQmxIsTaskDone(TaskHandle taskHandle, bool32 *isTaskDone) {
  init_once();
  task_t *t = find_task(taskHandle);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  if (t->running && t->generation_error) {
    *isTaskDone = 1;
    return fail(t->generation_error, t->name,
                "DAC conversion attempted before data to be converted was available.\n\nDecrease "
                "the output frequency to increase the period between DAC conversions, or reduce "
                "the size of your output buffer in order to write data more often.");
  }
  *isTaskDone = generation_done(t) ? 1 : 0;
  return 0;
}

int32 DAQmxWaitUntilTaskDone(TaskHandle taskHandle, float64 timeToWait) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxWaitUntilTaskDone %.17g", timeToWait);
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  if (t->running && t->generation_error) return fail(t->generation_error, t->name, "%s", "Generation failed.");
  double deadline = now_s() + (timeToWait < 0 ? 1e9 : timeToWait);
  while (!generation_done(t)) {
    if (now_s() >= deadline)
      return fail(ERR_WAIT_UNTIL_DONE, t->name,
                  "Wait Until Done did not indicate all samples were acquired or generated in the "
                  "specified time.");
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  return 0;
}

int32 DAQmxStopTask(TaskHandle taskHandle) {
  init_once();
  task_t *t = find_task(taskHandle);
  log_call("DAQmxStopTask");
  if (!t) return fail(ERR_INVALID_TASK, NULL, "Task specified is invalid or does not exist.");
  int code = injected("DAQmxStopTask", t->name);
  if (code) return code;
  t->running = 0;
  return 0;
}

int32 DAQmxGetExtendedErrorInfo(char errorString[], uInt32 bufferSize) {
  init_once();
  if (bufferSize == 0) return (int32)strlen(last_error) + 1;
  copy_out(errorString, bufferSize, last_error);
  return 0;
}

int32 DAQmxGetErrorString(int32 errorCode, char errorString[], uInt32 bufferSize) {
  init_once();
  const char *text;
  switch (errorCode) {
    case ERR_INVALID_TASK: text = "Task specified is invalid or does not exist."; break;
    case ERR_INVALID_DEVICE: text = "Device identifier is invalid."; break;
    case ERR_PHYS_CHAN_DOES_NOT_EXIST: text = "Physical channel specified does not exist on this device."; break;
    case ERR_INVALID_ATTRIBUTE_VALUE: text = "Requested value is not a supported value for this property."; break;
    case ERR_WAIT_UNTIL_DONE: text = "Wait Until Done did not indicate all samples were acquired or generated in the specified time."; break;
    default: text = "Unknown error.";
  }
  if (bufferSize == 0) return (int32)strlen(text) + 1;
  copy_out(errorString, bufferSize, text);
  return 0;
}
