/*
 * A stand-in for Hamamatsu's DCAM-API (libdcamapi.so) with the same C ABI, for tests: it implements
 * the calls the ORCA-Quest driver of @shotline/camera makes, with DCAM's structures (their `size`
 * members are checked, so a wrong layout on the caller's side is an error), handles, status codes
 * and property ids, and behaves like an ORCA-Quest (C15550-20UP, 4096 x 2304, 16-bit):
 *
 * - properties with their ranges and steps (subarray in steps of 4, readout speed, sensor mode,
 *   trigger source/active/polarity, global exposure, pixel type), read-only image properties, and
 *   the subarray checked against the sensor when SUBARRAYMODE is set ON;
 * - a ring of frame buffers (dcambuf_alloc), a sequence capture (dcamcap_start/stop), frame events
 *   (dcamwait_start, thread-safe: it is waited on from a worker thread while dcamwait_abort and
 *   dcamcap_stop come from another) and transfer info;
 * - external triggers simulated in time: after dcamcap_start, `triggers` frames arrive, the first
 *   after `delay` ms and the next every `period` ms. Frame g (counted since the library was loaded
 *   or reset, 1-based)
 *   holds the pattern value(x, y) = (x + 2 y + 1000 g + 97 camera) mod 65536 at sensor position
 *   (x, y), cropped to the subarray;
 * - error injection: any function can fail with a given DCAMERR; a camera can be "lost" after some
 *   frames (DCAMERR_NOCONNECTION from then on); no trigger makes waits time out.
 *
 * Configuration (environment, read at dcamapi_init, or the test controls below):
 *   FAKEDCAM_CAMERAS           number of cameras (default 1)
 *   FAKEDCAM_MODEL             model string (default "C15550-20UP")
 *   FAKEDCAM_TRIGGERS          frames per capture (default 1)
 *   FAKEDCAM_TRIGGER_DELAY_MS  first frame after dcamcap_start (default 2)
 *   FAKEDCAM_TRIGGER_PERIOD_MS between frames (default 2)
 *   FAKEDCAM_RECORD_DIR        a folder: every call is appended to calls.log
 *
 * Build: gcc -shared -fPIC -O2 -o libfakedcam.so fakedcam.c -lpthread
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int32_t int32;
typedef int32 DCAMERR;
typedef struct fake_camera *HDCAM;
typedef struct fake_wait *HDCAMWAIT;

#define DCAMERR_SUCCESS 1
#define DCAMERR_BUSY ((int32)0x80000101)
#define DCAMERR_ABORT ((int32)0x80000102)
#define DCAMERR_NOTREADY ((int32)0x80000103)
#define DCAMERR_TIMEOUT ((int32)0x80000106)
#define DCAMERR_NOCAMERA ((int32)0x80000206)
#define DCAMERR_INVALIDCAMERA ((int32)0x80000806)
#define DCAMERR_INVALIDHANDLE ((int32)0x80000807)
#define DCAMERR_INVALIDPARAM ((int32)0x80000808)
#define DCAMERR_INVALIDVALUE ((int32)0x80000821)
#define DCAMERR_OUTOFRANGE ((int32)0x80000822)
#define DCAMERR_NOTWRITABLE ((int32)0x80000823)
#define DCAMERR_INVALIDPROPERTYID ((int32)0x80000825)
#define DCAMERR_INVALIDSUBARRAY ((int32)0x8000082b)
#define DCAMERR_WRONGPROPERTYVALUE ((int32)0x8000082e)
#define DCAMERR_INVALIDFRAMEINDEX ((int32)0x80000833)
#define DCAMERR_NOCONNECTION ((int32)0x80000f07)
#define DCAMERR_NOTINITIALIZED ((int32)0x80000f04) /* DCAMERR_UNLOADED: calling before init */
#define DCAMERR_ALREADYINITIALIZED ((int32)0xE1000001)
#define DCAMERR_ALREADYOPENED ((int32)0xE1000002)
#define DCAMERR_INVALIDWAITHANDLE ((int32)0x84002001)

#define DCAMWAIT_CAPEVENT_FRAMEREADY 0x0002
#define DCAMWAIT_CAPEVENT_STOPPED 0x0010
#define DCAMCAP_START_SEQUENCE -1
#define DCAMCAP_START_SNAP 0
#define DCAM_PIXELTYPE_MONO16 2

#define DCAM_IDSTR_BUS 0x04000101
#define DCAM_IDSTR_CAMERAID 0x04000102
#define DCAM_IDSTR_VENDOR 0x04000103
#define DCAM_IDSTR_MODEL 0x04000104
#define DCAM_IDSTR_CAMERAVERSION 0x04000105
#define DCAM_IDSTR_DRIVERVERSION 0x04000106
#define DCAM_IDSTR_MODULEVERSION 0x04000107
#define DCAM_IDSTR_DCAMAPIVERSION 0x04000108

#define PROP_TRIGGERSOURCE 0x00100110
#define PROP_TRIGGERACTIVE 0x00100120
#define PROP_TRIGGERPOLARITY 0x00100220
#define PROP_EXPOSURETIME 0x001F0110
#define PROP_TRIGGER_GLOBALEXPOSURE 0x001F0300
#define PROP_READOUTSPEED 0x00400110
#define PROP_SENSORMODE 0x00400210
#define PROP_SUBARRAYHPOS 0x00402110
#define PROP_SUBARRAYHSIZE 0x00402120
#define PROP_SUBARRAYVPOS 0x00402130
#define PROP_SUBARRAYVSIZE 0x00402140
#define PROP_SUBARRAYMODE 0x00402150
#define PROP_IMAGE_WIDTH 0x00420210
#define PROP_IMAGE_HEIGHT 0x00420220
#define PROP_IMAGE_ROWBYTES 0x00420230
#define PROP_IMAGE_PIXELTYPE 0x00420270

#define SENSOR_WIDTH 4096
#define SENSOR_HEIGHT 2304
#define MAX_CAMERAS 4
#define MAX_BUFFERS 64
#define MAX_LOG 131072

/* ---- DCAM structures (DCAM-API 4, x64: natural alignment) ------------------------------------ */

typedef struct {
  int32 size;
  int32 iDeviceCount;
  int32 reserved;
  int32 initoptionbytes;
  const int32 *initoption;
  const void *guid;
} DCAMAPI_INIT;

typedef struct {
  int32 size;
  int32 index;
  HDCAM hdcam;
} DCAMDEV_OPEN;

typedef struct {
  int32 size;
  int32 iString;
  char *text;
  int32 textbytes;
} DCAMDEV_STRING;

typedef struct {
  int32 cbSize;
  int32 iProp;
  int32 option;
  int32 iReserved1;
  int32 attribute;
  int32 iGroup;
  int32 iUnit;
  int32 attribute2;
  double valuemin;
  double valuemax;
  double valuestep;
  double valuedefault;
  int32 nMaxChannel;
  int32 iReserved3;
  int32 nMaxView;
  int32 iProp_NumberOfElement;
  int32 iProp_ArrayBase;
  int32 iPropStep_Element;
} DCAMPROP_ATTR;

typedef struct {
  uint32_t sec;
  int32 microsec;
} DCAM_TIMESTAMP;

typedef struct {
  int32 size;
  int32 iKind;
  int32 option;
  int32 iFrame;
  void *buf;
  int32 rowbytes;
  int32 type;
  int32 width;
  int32 height;
  int32 left;
  int32 top;
  DCAM_TIMESTAMP timestamp;
  int32 framestamp;
  int32 camerastamp;
} DCAMBUF_FRAME;

typedef struct {
  int32 size;
  int32 iKind;
  int32 nNewestFrameIndex;
  int32 nFrameCount;
} DCAMCAP_TRANSFERINFO;

typedef struct {
  int32 size;
  int32 supportevent;
  HDCAMWAIT hwait;
  void *hdcam;
} DCAMWAIT_OPEN;

typedef struct {
  int32 size;
  int32 eventhappened;
  int32 eventmask;
  int32 timeout;
} DCAMWAIT_START;

/* ---- state ------------------------------------------------------------------------------------ */

typedef struct {
  int32 id;
  double value, min, max, step;
  int writable;
} property_t;

enum {
  P_TRIGGERSOURCE,
  P_TRIGGERACTIVE,
  P_TRIGGERPOLARITY,
  P_EXPOSURETIME,
  P_GLOBALEXPOSURE,
  P_READOUTSPEED,
  P_SENSORMODE,
  P_HPOS,
  P_HSIZE,
  P_VPOS,
  P_VSIZE,
  P_SUBARRAYMODE,
  P_WIDTH,
  P_HEIGHT,
  P_ROWBYTES,
  P_PIXELTYPE,
  P_COUNT
};

struct fake_camera {
  int open;
  int index;
  property_t props[P_COUNT];
  int buffers;
  uint16_t *frames[MAX_BUFFERS];
  int frame_width, frame_height;
  int capturing;
  double capture_start;
  int delivered; /* frames produced in this capture */
  int global_base; /* global frame number before this capture */
  int lost;
};

struct fake_wait {
  int open;
  HDCAM camera;
  int notified; /* frames reported by the last event */
  int abort;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int initialized = 0;
static int camera_count = 1;
static char model[64] = "C15550-20UP";
static int triggers = 1;
static double trigger_delay_ms = 2, trigger_period_ms = 2;
static char record_dir[1024] = "";
static struct fake_camera cameras[MAX_CAMERAS];
static struct fake_wait waits[MAX_CAMERAS];
static int global_frames = 0;
static int lose_after = -1;
static char log_text[MAX_LOG] = "";
static char inject_function[64] = "";
static int32 inject_code = 0;
static int inject_after = 0;
static int32 refuse_property = 0;
static int32 refuse_code = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void log_call(const char *format, ...) {
  char line[512];
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

static int32 injected(const char *function) {
  if (inject_code == 0 || strcmp(function, inject_function) != 0) return 0;
  if (inject_after > 0) {
    inject_after--;
    return 0;
  }
  int32 code = inject_code;
  inject_code = 0;
  return code;
}

static void read_environment(void) {
  const char *v;
  if ((v = getenv("FAKEDCAM_CAMERAS")) && *v) camera_count = atoi(v);
  if ((v = getenv("FAKEDCAM_MODEL")) && *v) snprintf(model, sizeof model, "%s", v);
  if ((v = getenv("FAKEDCAM_TRIGGERS")) && *v) triggers = atoi(v);
  if ((v = getenv("FAKEDCAM_TRIGGER_DELAY_MS")) && *v) trigger_delay_ms = atof(v);
  if ((v = getenv("FAKEDCAM_TRIGGER_PERIOD_MS")) && *v) trigger_period_ms = atof(v);
  if ((v = getenv("FAKEDCAM_RECORD_DIR")) && *v) snprintf(record_dir, sizeof record_dir, "%s", v);
  if (camera_count > MAX_CAMERAS) camera_count = MAX_CAMERAS;
}

static void set_prop(property_t *p, int32 id, double value, double min, double max, double step,
                     int writable) {
  p->id = id;
  p->value = value;
  p->min = min;
  p->max = max;
  p->step = step;
  p->writable = writable;
}

static void reset_camera(struct fake_camera *c, int index) {
  for (int i = 0; i < MAX_BUFFERS; i++) free(c->frames[i]);
  memset(c, 0, sizeof *c);
  c->index = index;
  property_t *p = c->props;
  set_prop(&p[P_TRIGGERSOURCE], PROP_TRIGGERSOURCE, 1, 1, 4, 1, 1);
  set_prop(&p[P_TRIGGERACTIVE], PROP_TRIGGERACTIVE, 1, 1, 3, 1, 1);
  set_prop(&p[P_TRIGGERPOLARITY], PROP_TRIGGERPOLARITY, 1, 1, 2, 1, 1);
  set_prop(&p[P_EXPOSURETIME], PROP_EXPOSURETIME, 0.01, 7.2e-6, 1800, 0, 1);
  set_prop(&p[P_GLOBALEXPOSURE], PROP_TRIGGER_GLOBALEXPOSURE, 2, 1, 5, 1, 1);
  set_prop(&p[P_READOUTSPEED], PROP_READOUTSPEED, 2, 1, 2, 1, 1);
  set_prop(&p[P_SENSORMODE], PROP_SENSORMODE, 1, 1, 18, 1, 1);
  set_prop(&p[P_HPOS], PROP_SUBARRAYHPOS, 0, 0, SENSOR_WIDTH - 4, 4, 1);
  set_prop(&p[P_HSIZE], PROP_SUBARRAYHSIZE, SENSOR_WIDTH, 4, SENSOR_WIDTH, 4, 1);
  set_prop(&p[P_VPOS], PROP_SUBARRAYVPOS, 0, 0, SENSOR_HEIGHT - 4, 4, 1);
  set_prop(&p[P_VSIZE], PROP_SUBARRAYVSIZE, SENSOR_HEIGHT, 4, SENSOR_HEIGHT, 4, 1);
  set_prop(&p[P_SUBARRAYMODE], PROP_SUBARRAYMODE, 1, 1, 2, 1, 1);
  set_prop(&p[P_WIDTH], PROP_IMAGE_WIDTH, SENSOR_WIDTH, 4, SENSOR_WIDTH, 4, 0);
  set_prop(&p[P_HEIGHT], PROP_IMAGE_HEIGHT, SENSOR_HEIGHT, 4, SENSOR_HEIGHT, 4, 0);
  set_prop(&p[P_ROWBYTES], PROP_IMAGE_ROWBYTES, SENSOR_WIDTH * 2, 8, SENSOR_WIDTH * 2, 8, 0);
  set_prop(&p[P_PIXELTYPE], PROP_IMAGE_PIXELTYPE, DCAM_PIXELTYPE_MONO16, 1, 2, 1, 1);
}

static property_t *find_prop(HDCAM c, int32 id) {
  for (int i = 0; i < P_COUNT; i++)
    if (c->props[i].id == id) return &c->props[i];
  return NULL;
}

static HDCAM valid_camera(HDCAM h) {
  for (int i = 0; i < MAX_CAMERAS; i++)
    if (h == &cameras[i] && cameras[i].open) return h;
  return NULL;
}

static struct fake_wait *valid_wait(HDCAMWAIT h) {
  for (int i = 0; i < MAX_CAMERAS; i++)
    if (h == &waits[i] && waits[i].open) return h;
  return NULL;
}

/* The image size the camera delivers: the subarray when ON, else the whole sensor. */
static void update_image(HDCAM c) {
  property_t *p = c->props;
  int on = p[P_SUBARRAYMODE].value == 2;
  p[P_WIDTH].value = on ? p[P_HSIZE].value : SENSOR_WIDTH;
  p[P_HEIGHT].value = on ? p[P_VSIZE].value : SENSOR_HEIGHT;
  p[P_ROWBYTES].value = p[P_WIDTH].value * 2;
}

/* Frames available now in the current capture (under lock). */
static int available(HDCAM c) {
  if (!c->capturing) return c->delivered;
  double elapsed_ms = (now_s() - c->capture_start) * 1000.0;
  int n = 0;
  if (elapsed_ms >= trigger_delay_ms)
    n = 1 + (trigger_period_ms > 0 ? (int)((elapsed_ms - trigger_delay_ms) / trigger_period_ms) : triggers);
  if (n > triggers) n = triggers;
  return n;
}

/* Renders the frames that have arrived into the ring of buffers (under lock). */
static void produce(HDCAM c) {
  int n = available(c);
  int width = (int)c->props[P_WIDTH].value, height = (int)c->props[P_HEIGHT].value;
  int left = c->props[P_SUBARRAYMODE].value == 2 ? (int)c->props[P_HPOS].value : 0;
  int top = c->props[P_SUBARRAYMODE].value == 2 ? (int)c->props[P_VPOS].value : 0;
  while (c->delivered < n) {
    if (lose_after >= 0 && c->delivered >= lose_after) {
      c->lost = 1;
      return;
    }
    int slot = c->delivered % c->buffers;
    int g = c->global_base + c->delivered + 1;
    uint16_t *frame = c->frames[slot];
    for (int y = 0; y < height; y++)
      for (int x = 0; x < width; x++)
        frame[y * width + x] =
            (uint16_t)(((left + x) + 2 * (top + y) + 1000 * g + 97 * c->index) & 0xFFFF);
    c->delivered++;
    global_frames = c->global_base + c->delivered;
  }
}

/* ---- test controls ---------------------------------------------------------------------------- */

void fakedcam_reset(void) {
  pthread_mutex_lock(&lock);
  initialized = 0;
  camera_count = 1;
  snprintf(model, sizeof model, "C15550-20UP");
  triggers = 1;
  trigger_delay_ms = 2;
  trigger_period_ms = 2;
  record_dir[0] = 0;
  for (int i = 0; i < MAX_CAMERAS; i++) {
    reset_camera(&cameras[i], i);
    memset(&waits[i], 0, sizeof waits[i]);
  }
  global_frames = 0;
  lose_after = -1;
  log_text[0] = 0;
  inject_code = 0;
  refuse_property = 0;
  pthread_mutex_unlock(&lock);
}

void fakedcam_configure(int cameras_count, const char *model_name) {
  camera_count = cameras_count > MAX_CAMERAS ? MAX_CAMERAS : cameras_count;
  snprintf(model, sizeof model, "%s", model_name);
}

/* Frames per capture, the first after `delay_ms`, then every `period_ms`. */
void fakedcam_set_triggers(int count, double delay_ms, double period_ms) {
  pthread_mutex_lock(&lock);
  triggers = count;
  trigger_delay_ms = delay_ms;
  trigger_period_ms = period_ms;
  pthread_mutex_unlock(&lock);
}

/* The next call of `function` (after `after` successful ones) returns `code`. */
void fakedcam_inject(const char *function, int32 code, int after) {
  snprintf(inject_function, sizeof inject_function, "%s", function);
  inject_code = code;
  inject_after = after;
}

/* dcamprop_setvalue of `property` fails with `code`. */
void fakedcam_refuse_property(int32 property, int32 code) {
  refuse_property = property;
  refuse_code = code;
}

/* The camera is lost (unplugged) once `frames` frames of a capture were delivered. */
void fakedcam_lose_after(int frames) { lose_after = frames; }

const char *fakedcam_call_log(void) { return log_text; }

int fakedcam_frames_delivered(void) { return global_frames; }

int fakedcam_open_cameras(void) {
  int n = 0;
  for (int i = 0; i < MAX_CAMERAS; i++) n += cameras[i].open;
  return n;
}

int fakedcam_initialized(void) { return initialized; }

double fakedcam_property(int index, int32 id) {
  property_t *p = find_prop(&cameras[index], id);
  return p ? p->value : -1;
}

/* ---- DCAM-API ----------------------------------------------------------------------------------- */

DCAMERR dcamapi_init(DCAMAPI_INIT *param) {
  pthread_mutex_lock(&lock);
  if (!initialized) read_environment();
  log_call("dcamapi_init");
  int32 code = injected("dcamapi_init");
  if (!code && (param == NULL || param->size != (int32)sizeof(DCAMAPI_INIT))) code = DCAMERR_INVALIDPARAM;
  if (!code && initialized) code = DCAMERR_ALREADYINITIALIZED;
  if (!code) {
    initialized = 1;
    param->iDeviceCount = camera_count;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamapi_uninit(void) {
  pthread_mutex_lock(&lock);
  log_call("dcamapi_uninit");
  initialized = 0;
  for (int i = 0; i < MAX_CAMERAS; i++) cameras[i].open = 0;
  pthread_mutex_unlock(&lock);
  return DCAMERR_SUCCESS;
}

DCAMERR dcamdev_open(DCAMDEV_OPEN *param) {
  pthread_mutex_lock(&lock);
  int32 code = injected("dcamdev_open");
  log_call("dcamdev_open %d", param ? param->index : -1);
  if (!code && !initialized) code = DCAMERR_NOTINITIALIZED;
  if (!code && (param == NULL || param->size != (int32)sizeof(DCAMDEV_OPEN))) code = DCAMERR_INVALIDPARAM;
  if (!code && (param->index < 0 || param->index >= camera_count)) code = DCAMERR_NOCAMERA;
  if (!code && cameras[param->index].open) code = DCAMERR_ALREADYOPENED;
  if (!code) {
    HDCAM c = &cameras[param->index];
    reset_camera(c, param->index);
    c->open = 1;
    param->hdcam = c;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamdev_close(HDCAM h) {
  pthread_mutex_lock(&lock);
  log_call("dcamdev_close");
  HDCAM c = valid_camera(h);
  if (c) {
    c->capturing = 0;
    for (int i = 0; i < MAX_BUFFERS; i++) {
      free(c->frames[i]);
      c->frames[i] = NULL;
    }
    c->buffers = 0;
    c->open = 0;
    pthread_cond_broadcast(&changed);
  }
  pthread_mutex_unlock(&lock);
  return c ? DCAMERR_SUCCESS : DCAMERR_INVALIDHANDLE;
}

DCAMERR dcamdev_getstring(HDCAM h, DCAMDEV_STRING *param) {
  pthread_mutex_lock(&lock);
  HDCAM c = valid_camera(h);
  int32 code = 0;
  if (!c) code = DCAMERR_INVALIDHANDLE;
  else if (c->lost) code = DCAMERR_NOCONNECTION;
  else if (param == NULL || param->size != (int32)sizeof(DCAMDEV_STRING) || param->text == NULL)
    code = DCAMERR_INVALIDPARAM;
  if (!code) {
    const char *text = NULL;
    char serial[32];
    switch (param->iString) {
      case DCAM_IDSTR_BUS: text = "CoaXPress"; break;
      case DCAM_IDSTR_CAMERAID: snprintf(serial, sizeof serial, "S/N: %06d", 100 + c->index); text = serial; break;
      case DCAM_IDSTR_VENDOR: text = "Hamamatsu"; break;
      case DCAM_IDSTR_MODEL: text = model; break;
      case DCAM_IDSTR_CAMERAVERSION: text = "1.00.A"; break;
      case DCAM_IDSTR_DRIVERVERSION: text = "6.1.0 (fake)"; break;
      case DCAM_IDSTR_MODULEVERSION: text = "24.4.6764 (fake)"; break;
      case DCAM_IDSTR_DCAMAPIVERSION: text = "4.00"; break;
      default: code = DCAMERR_INVALIDPARAM;
    }
    if (text) snprintf(param->text, (size_t)param->textbytes, "%s", text);
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamprop_getattr(HDCAM h, DCAMPROP_ATTR *param) {
  pthread_mutex_lock(&lock);
  HDCAM c = valid_camera(h);
  int32 code = 0;
  property_t *p = NULL;
  if (!c) code = DCAMERR_INVALIDHANDLE;
  else if (param == NULL || param->cbSize != (int32)sizeof(DCAMPROP_ATTR)) code = DCAMERR_INVALIDPARAM;
  else if (!(p = find_prop(c, param->iProp))) code = DCAMERR_INVALIDPROPERTYID;
  if (!code) {
    param->attribute = (int32)(0x80000000u | 0x40000000 | 0x00010000 | (p->writable ? 0x00020000 : 0));
    param->valuemin = p->min;
    param->valuemax = p->max;
    param->valuestep = p->step;
    param->valuedefault = p->value;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamprop_getvalue(HDCAM h, int32 iProp, double *pValue) {
  pthread_mutex_lock(&lock);
  HDCAM c = valid_camera(h);
  int32 code = 0;
  property_t *p = NULL;
  if (!c) code = DCAMERR_INVALIDHANDLE;
  else if (c->lost) code = DCAMERR_NOCONNECTION;
  else if (!(p = find_prop(c, iProp))) code = DCAMERR_INVALIDPROPERTYID;
  if (!code) *pValue = p->value;
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamprop_setvalue(HDCAM h, int32 iProp, double fValue) {
  pthread_mutex_lock(&lock);
  log_call("dcamprop_setvalue 0x%08X %.17g", (unsigned)iProp, fValue);
  HDCAM c = valid_camera(h);
  int32 code = injected("dcamprop_setvalue");
  property_t *p = NULL;
  if (!code && refuse_property == iProp && refuse_code) code = refuse_code;
  if (!code && !c) code = DCAMERR_INVALIDHANDLE;
  if (!code && c->lost) code = DCAMERR_NOCONNECTION;
  if (!code && !(p = find_prop(c, iProp))) code = DCAMERR_INVALIDPROPERTYID;
  if (!code && !p->writable) code = DCAMERR_NOTWRITABLE;
  if (!code && c->capturing) code = DCAMERR_BUSY;
  if (!code && iProp == PROP_READOUTSPEED && fValue == 0x7FFFFFFF) fValue = p->max;
  if (!code && (fValue < p->min || fValue > p->max)) code = DCAMERR_OUTOFRANGE;
  if (!code && iProp == PROP_SENSORMODE && fValue != 1 && fValue != 18) code = DCAMERR_INVALIDVALUE;
  if (!code && p->step > 0) {
    double steps = (fValue - p->min) / p->step;
    if (steps != (double)(long long)steps) code = DCAMERR_INVALIDVALUE;
  }
  if (!code && iProp == PROP_SUBARRAYMODE && fValue == 2) {
    property_t *q = c->props;
    if (q[P_HPOS].value + q[P_HSIZE].value > SENSOR_WIDTH ||
        q[P_VPOS].value + q[P_VSIZE].value > SENSOR_HEIGHT)
      code = DCAMERR_INVALIDSUBARRAY;
  }
  if (!code) {
    p->value = fValue;
    update_image(c);
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcambuf_alloc(HDCAM h, int32 framecount) {
  pthread_mutex_lock(&lock);
  log_call("dcambuf_alloc %d", framecount);
  HDCAM c = valid_camera(h);
  int32 code = injected("dcambuf_alloc");
  if (!code && !c) code = DCAMERR_INVALIDHANDLE;
  if (!code && c->capturing) code = DCAMERR_BUSY;
  if (!code && (framecount < 1 || framecount > MAX_BUFFERS)) code = DCAMERR_INVALIDPARAM;
  if (!code) {
    int width = (int)c->props[P_WIDTH].value, height = (int)c->props[P_HEIGHT].value;
    for (int i = 0; i < MAX_BUFFERS; i++) {
      free(c->frames[i]);
      c->frames[i] = i < framecount ? calloc((size_t)width * height, sizeof(uint16_t)) : NULL;
    }
    c->buffers = framecount;
    c->frame_width = width;
    c->frame_height = height;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcambuf_release(HDCAM h, int32 iKind) {
  pthread_mutex_lock(&lock);
  log_call("dcambuf_release %d", iKind);
  HDCAM c = valid_camera(h);
  int32 code = 0;
  if (!c) code = DCAMERR_INVALIDHANDLE;
  else if (c->capturing) code = DCAMERR_BUSY;
  if (!code) {
    for (int i = 0; i < MAX_BUFFERS; i++) {
      free(c->frames[i]);
      c->frames[i] = NULL;
    }
    c->buffers = 0;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamcap_start(HDCAM h, int32 mode) {
  pthread_mutex_lock(&lock);
  log_call("dcamcap_start %d", mode);
  HDCAM c = valid_camera(h);
  int32 code = injected("dcamcap_start");
  if (!code && !c) code = DCAMERR_INVALIDHANDLE;
  if (!code && c->lost) code = DCAMERR_NOCONNECTION;
  if (!code && c->capturing) code = DCAMERR_BUSY;
  if (!code && c->buffers == 0) code = DCAMERR_NOTREADY;
  if (!code && mode != DCAMCAP_START_SEQUENCE && mode != DCAMCAP_START_SNAP) code = DCAMERR_INVALIDPARAM;
  if (!code && (c->frame_width != (int)c->props[P_WIDTH].value ||
                c->frame_height != (int)c->props[P_HEIGHT].value))
    code = DCAMERR_NOTREADY; /* buffers allocated for another image size */
  if (!code && c->props[P_SENSORMODE].value == 18 && c->props[P_READOUTSPEED].value != 1)
    code = DCAMERR_WRONGPROPERTYVALUE;
  if (!code) {
    c->capturing = 1;
    c->capture_start = now_s();
    c->delivered = 0;
    c->global_base = global_frames;
    for (int i = 0; i < MAX_CAMERAS; i++)
      if (waits[i].camera == c) waits[i].notified = 0;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamcap_stop(HDCAM h) {
  pthread_mutex_lock(&lock);
  log_call("dcamcap_stop");
  HDCAM c = valid_camera(h);
  if (c && c->capturing) {
    produce(c);
    c->capturing = 0;
    pthread_cond_broadcast(&changed);
  }
  pthread_mutex_unlock(&lock);
  return c ? DCAMERR_SUCCESS : DCAMERR_INVALIDHANDLE;
}

DCAMERR dcamcap_transferinfo(HDCAM h, DCAMCAP_TRANSFERINFO *param) {
  pthread_mutex_lock(&lock);
  HDCAM c = valid_camera(h);
  int32 code = 0;
  if (!c) code = DCAMERR_INVALIDHANDLE;
  else if (param == NULL || param->size != (int32)sizeof(DCAMCAP_TRANSFERINFO)) code = DCAMERR_INVALIDPARAM;
  if (!code) {
    produce(c);
    if (c->lost && c->delivered == 0) code = DCAMERR_NOCONNECTION;
  }
  if (!code) {
    param->nFrameCount = c->delivered;
    param->nNewestFrameIndex = c->delivered == 0 ? -1 : (c->delivered - 1) % c->buffers;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcambuf_copyframe(HDCAM h, DCAMBUF_FRAME *param) {
  pthread_mutex_lock(&lock);
  HDCAM c = valid_camera(h);
  int32 code = injected("dcambuf_copyframe");
  if (!code && !c) code = DCAMERR_INVALIDHANDLE;
  if (!code && (param == NULL || param->size != (int32)sizeof(DCAMBUF_FRAME) || param->buf == NULL))
    code = DCAMERR_INVALIDPARAM;
  if (!code && c->buffers == 0) code = DCAMERR_NOTREADY;
  if (!code) produce(c);
  int slot = code ? 0 : (param->iFrame == -1 ? (c->delivered - 1) % c->buffers : param->iFrame);
  if (!code && (c->delivered == 0 || slot < 0 || slot >= c->buffers ||
                (c->delivered <= c->buffers && slot >= c->delivered)))
    code = DCAMERR_INVALIDFRAMEINDEX;
  if (!code && (param->type != DCAM_PIXELTYPE_MONO16 || param->left != 0 || param->top != 0 ||
                param->width != c->frame_width || param->height != c->frame_height ||
                param->rowbytes < c->frame_width * 2))
    code = DCAMERR_INVALIDPARAM;
  if (!code) {
    for (int y = 0; y < c->frame_height; y++)
      memcpy((char *)param->buf + (size_t)y * param->rowbytes,
             c->frames[slot] + (size_t)y * c->frame_width, (size_t)c->frame_width * 2);
    param->framestamp = c->global_base + slot + 1;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamwait_open(DCAMWAIT_OPEN *param) {
  pthread_mutex_lock(&lock);
  log_call("dcamwait_open");
  int32 code = 0;
  HDCAM c = NULL;
  if (param == NULL || param->size != (int32)sizeof(DCAMWAIT_OPEN)) code = DCAMERR_INVALIDPARAM;
  else if (!(c = valid_camera((HDCAM)param->hdcam))) code = DCAMERR_INVALIDHANDLE;
  if (!code) {
    struct fake_wait *w = &waits[c->index];
    memset(w, 0, sizeof *w);
    w->open = 1;
    w->camera = c;
    param->hwait = w;
    param->supportevent = DCAMWAIT_CAPEVENT_FRAMEREADY | DCAMWAIT_CAPEVENT_STOPPED;
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}

DCAMERR dcamwait_close(HDCAMWAIT h) {
  pthread_mutex_lock(&lock);
  log_call("dcamwait_close");
  struct fake_wait *w = valid_wait(h);
  if (w) {
    w->open = 0;
    pthread_cond_broadcast(&changed);
  }
  pthread_mutex_unlock(&lock);
  return w ? DCAMERR_SUCCESS : DCAMERR_INVALIDWAITHANDLE;
}

DCAMERR dcamwait_abort(HDCAMWAIT h) {
  pthread_mutex_lock(&lock);
  log_call("dcamwait_abort");
  struct fake_wait *w = valid_wait(h);
  if (w) {
    w->abort = 1;
    pthread_cond_broadcast(&changed);
  }
  pthread_mutex_unlock(&lock);
  return w ? DCAMERR_SUCCESS : DCAMERR_INVALIDWAITHANDLE;
}

DCAMERR dcamwait_start(HDCAMWAIT h, DCAMWAIT_START *param) {
  pthread_mutex_lock(&lock);
  struct fake_wait *w = valid_wait(h);
  int32 code = injected("dcamwait_start");
  if (!code && !w) code = DCAMERR_INVALIDWAITHANDLE;
  if (!code && (param == NULL || param->size != (int32)sizeof(DCAMWAIT_START))) code = DCAMERR_INVALIDPARAM;
  if (!code && !(param->eventmask & DCAMWAIT_CAPEVENT_FRAMEREADY)) code = DCAMERR_INVALIDPARAM;
  double deadline = code ? 0 : now_s() + param->timeout / 1000.0;
  while (!code) {
    HDCAM c = w->camera;
    if (!w->open || !c->open) {
      code = DCAMERR_ABORT;
      break;
    }
    if (w->abort) {
      w->abort = 0;
      code = DCAMERR_ABORT;
      break;
    }
    produce(c);
    /* Frames captured before the camera was lost are still reported. */
    if (c->delivered > w->notified) {
      w->notified = c->delivered;
      param->eventhappened = DCAMWAIT_CAPEVENT_FRAMEREADY;
      break;
    }
    if (c->lost) {
      code = DCAMERR_NOCONNECTION;
      break;
    }
    if (!c->capturing) {
      code = DCAMERR_ABORT;
      break;
    }
    double now = now_s();
    if (now >= deadline) {
      code = DCAMERR_TIMEOUT;
      break;
    }
    double until = deadline;
    if (c->delivered < triggers) {
      double next = c->capture_start + (trigger_delay_ms + c->delivered * trigger_period_ms) / 1000.0;
      if (next < until) until = next;
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double wait_s = until - now;
    if (wait_s < 0) wait_s = 0;
    /* pthread_cond_timedwait uses CLOCK_REALTIME by default: wait a relative slice. */
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    long long ns = abs.tv_nsec + (long long)(wait_s * 1e9) + 100000;
    abs.tv_sec += (time_t)(ns / 1000000000LL);
    abs.tv_nsec = (long)(ns % 1000000000LL);
    pthread_cond_timedwait(&changed, &lock, &abs);
  }
  pthread_mutex_unlock(&lock);
  return code ? code : DCAMERR_SUCCESS;
}
