/*
 * fakevisa: a small VISA library with the NI-VISA C ABI, for testing @shotline/visa without a vendor
 * VISA. It implements the functions the binding uses, with VISA's types, status codes and semantics
 * (session table, find lists, TERMCHAR/TERMCHAR_EN, MAX_CNT vs TERM_CHAR vs TMO, attributes,
 * viStatusDesc, viReadSTB), and supports one kind of resource: TCPIP[board]::host::port::SOCKET,
 * which it forwards to a real TCP socket (in the tests, the package's loopback SCPI simulator).
 *
 * viFindRsrc lists the ';'-separated resource names of the FAKEVISA_RESOURCES environment variable.
 * fakevisa_concurrent_calls() counts calls that entered a session while another call on the same
 * session was still running: the binding must serialise calls per session, and the tests check it.
 *
 * Build: gcc -shared -fPIC -O2 -o libfakevisa.so fakevisa.c -lpthread
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int32_t ViStatus;
typedef uint32_t ViUInt32;
typedef uint16_t ViUInt16;
typedef uint16_t ViBoolean;
typedef uint32_t ViSession;
typedef uint32_t ViObject;
typedef uint32_t ViFindList;
typedef uint32_t ViAttr;
typedef uint32_t ViAccessMode;
typedef uint64_t ViAttrState;

#define VI_SUCCESS 0
#define VI_SUCCESS_TERM_CHAR 0x3FFF0005
#define VI_SUCCESS_MAX_CNT 0x3FFF0006
#define VI_WARN_UNKNOWN_STATUS 0x3FFF0085
#define VI_ERROR_SYSTEM_ERROR ((ViStatus)0xBFFF0000)
#define VI_ERROR_INV_OBJECT ((ViStatus)0xBFFF000E)
#define VI_ERROR_INV_EXPR ((ViStatus)0xBFFF0010)
#define VI_ERROR_RSRC_NFOUND ((ViStatus)0xBFFF0011)
#define VI_ERROR_INV_RSRC_NAME ((ViStatus)0xBFFF0012)
#define VI_ERROR_INV_ACC_MODE ((ViStatus)0xBFFF0013)
#define VI_ERROR_TMO ((ViStatus)0xBFFF0015)
#define VI_ERROR_NSUP_ATTR ((ViStatus)0xBFFF001D)
#define VI_ERROR_NSUP_ATTR_STATE ((ViStatus)0xBFFF001E)
#define VI_ERROR_ATTR_READONLY ((ViStatus)0xBFFF001F)
#define VI_ERROR_ALLOC ((ViStatus)0xBFFF003C)
#define VI_ERROR_IO ((ViStatus)0xBFFF003E)
#define VI_ERROR_NSUP_OPER ((ViStatus)0xBFFF0067)
#define VI_ERROR_INV_PARAMETER ((ViStatus)0xBFFF0078)
#define VI_ERROR_CONN_LOST ((ViStatus)0xBFFF00A6)

#define VI_ATTR_RSRC_CLASS 0xBFFF0001u
#define VI_ATTR_RSRC_NAME 0xBFFF0002u
#define VI_ATTR_SEND_END_EN 0x3FFF0016u
#define VI_ATTR_TERMCHAR 0x3FFF0018u
#define VI_ATTR_TMO_VALUE 0x3FFF001Au
#define VI_ATTR_IO_PROT 0x3FFF001Cu
#define VI_ATTR_SUPPRESS_END_EN 0x3FFF0036u
#define VI_ATTR_TERMCHAR_EN 0x3FFF0038u
#define VI_ATTR_INTF_TYPE 0x3FFF0171u
#define VI_ATTR_INTF_NUM 0x3FFF0176u
#define VI_ATTR_TCPIP_ADDR 0xBFFF0195u
#define VI_ATTR_TCPIP_HOSTNAME 0xBFFF0196u
#define VI_ATTR_TCPIP_PORT 0x3FFF0197u
#define VI_ATTR_TCPIP_NODELAY 0x3FFF019Au
#define VI_ATTR_TCPIP_KEEPALIVE 0x3FFF019Bu

#define VI_TMO_INFINITE 0xFFFFFFFFu
#define VI_FIND_BUFLEN 256
#define MAX_SESSIONS 256
#define SESSION_BASE 0x1000u
#define PENDING_CAPACITY 65536

enum kind { KIND_FREE = 0, KIND_RM, KIND_INSTR, KIND_FINDLIST };

struct session {
  enum kind kind;
  ViSession rm;
  int busy; /* a call is running on this session */
  /* instrument sessions */
  int fd;
  char name[VI_FIND_BUFLEN];
  char host[VI_FIND_BUFLEN];
  ViUInt16 port;
  ViUInt16 board;
  ViUInt32 tmo;
  unsigned char termchar;
  ViBoolean termchar_en;
  ViBoolean suppress_end_en;
  ViBoolean send_end_en;
  ViBoolean nodelay;
  ViBoolean keepalive;
  ViUInt16 io_prot;
  unsigned char *pending;
  size_t pending_len;
  /* find lists */
  char **found;
  int found_count;
  int found_next;
};

static struct session sessions[MAX_SESSIONS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static int concurrent_calls = 0;

/* ---------------------------------------------------------------- session table */

static ViSession allocate(enum kind kind, ViSession rm) {
  ViSession id = 0;
  pthread_mutex_lock(&table_lock);
  for (int i = 0; i < MAX_SESSIONS; i++) {
    if (sessions[i].kind == KIND_FREE) {
      memset(&sessions[i], 0, sizeof sessions[i]);
      sessions[i].kind = kind;
      sessions[i].rm = rm;
      sessions[i].fd = -1;
      id = SESSION_BASE + (ViSession)i;
      break;
    }
  }
  pthread_mutex_unlock(&table_lock);
  return id;
}

static struct session *lookup(ViObject id, enum kind kind) {
  if (id < SESSION_BASE || id >= SESSION_BASE + MAX_SESSIONS) return NULL;
  struct session *s = &sessions[id - SESSION_BASE];
  pthread_mutex_lock(&table_lock);
  int ok = s->kind != KIND_FREE && (kind == KIND_FREE || s->kind == kind);
  pthread_mutex_unlock(&table_lock);
  return ok ? s : NULL;
}

/* Marks a session busy for the duration of a call; counts overlapping calls. */
static void enter(struct session *s) {
  pthread_mutex_lock(&table_lock);
  if (s->busy) concurrent_calls++;
  s->busy++;
  pthread_mutex_unlock(&table_lock);
}

static void leave(struct session *s) {
  pthread_mutex_lock(&table_lock);
  s->busy--;
  pthread_mutex_unlock(&table_lock);
}

static void release(struct session *s) {
  if (s->fd >= 0) close(s->fd);
  free(s->pending);
  for (int i = 0; i < s->found_count; i++) free(s->found[i]);
  free(s->found);
  pthread_mutex_lock(&table_lock);
  memset(s, 0, sizeof *s);
  s->kind = KIND_FREE;
  s->fd = -1;
  pthread_mutex_unlock(&table_lock);
}

/** Test hook: calls that overlapped another call on the same session (should stay 0). */
int32_t fakevisa_concurrent_calls(void) {
  pthread_mutex_lock(&table_lock);
  int32_t n = concurrent_calls;
  pthread_mutex_unlock(&table_lock);
  return n;
}

/* ---------------------------------------------------------------- status descriptions */

struct description {
  ViStatus status;
  const char *text;
};

static const struct description descriptions[] = {
    {VI_SUCCESS, "VI_SUCCESS: Operation completed successfully."},
    {VI_SUCCESS_TERM_CHAR, "VI_SUCCESS_TERM_CHAR: The specified termination character was read."},
    {VI_SUCCESS_MAX_CNT, "VI_SUCCESS_MAX_CNT: The number of bytes read is equal to the input count."},
    {VI_ERROR_SYSTEM_ERROR, "VI_ERROR_SYSTEM_ERROR: Unknown system error (miscellaneous error)."},
    {VI_ERROR_INV_OBJECT, "VI_ERROR_INV_OBJECT: The given session or object reference is invalid."},
    {VI_ERROR_INV_EXPR, "VI_ERROR_INV_EXPR: Invalid expression specified for search."},
    {VI_ERROR_RSRC_NFOUND,
     "VI_ERROR_RSRC_NFOUND: Insufficient location information or resource not present in the "
     "system."},
    {VI_ERROR_INV_RSRC_NAME,
     "VI_ERROR_INV_RSRC_NAME: Invalid resource reference specified. Parsing error."},
    {VI_ERROR_INV_ACC_MODE, "VI_ERROR_INV_ACC_MODE: Invalid access mode."},
    {VI_ERROR_TMO, "VI_ERROR_TMO: Timeout expired before operation completed."},
    {VI_ERROR_NSUP_ATTR,
     "VI_ERROR_NSUP_ATTR: The specified attribute is not defined by the referenced session."},
    {VI_ERROR_NSUP_ATTR_STATE,
     "VI_ERROR_NSUP_ATTR_STATE: The specified state of the attribute is not valid."},
    {VI_ERROR_ATTR_READONLY, "VI_ERROR_ATTR_READONLY: The specified attribute is read-only."},
    {VI_ERROR_ALLOC,
     "VI_ERROR_ALLOC: Insufficient system resources to perform necessary memory allocation."},
    {VI_ERROR_IO, "VI_ERROR_IO: Could not perform operation because of I/O error."},
    {VI_ERROR_NSUP_OPER,
     "VI_ERROR_NSUP_OPER: The given session or object reference does not support this operation."},
    {VI_ERROR_INV_PARAMETER, "VI_ERROR_INV_PARAMETER: The value of an unknown parameter is invalid."},
    {VI_ERROR_CONN_LOST, "VI_ERROR_CONN_LOST: The connection for the given session has been lost."},
};

ViStatus viStatusDesc(ViObject vi, ViStatus status, char desc[VI_FIND_BUFLEN]) {
  (void)vi;
  for (size_t i = 0; i < sizeof descriptions / sizeof descriptions[0]; i++) {
    if (descriptions[i].status == status) {
      snprintf(desc, VI_FIND_BUFLEN, "%s", descriptions[i].text);
      return VI_SUCCESS;
    }
  }
  snprintf(desc, VI_FIND_BUFLEN, "Unknown status value 0x%08X.", (unsigned)status);
  return VI_WARN_UNKNOWN_STATUS;
}

/* ---------------------------------------------------------------- resource manager and find */

ViStatus viOpenDefaultRM(ViSession *rm) {
  ViSession id = allocate(KIND_RM, 0);
  if (id == 0) return VI_ERROR_ALLOC;
  *rm = id;
  return VI_SUCCESS;
}

/* VISA search expressions: '?' one character, '*' zero or more of the previous atom, '+' one or
 * more of it, [list] and [^list] classes (with ranges such as 0-9), and top-level '|' alternatives.
 * Case-insensitive. */
static const char *atom_end(const char *p) {
  if (*p == '[') {
    const char *q = strchr(p, ']');
    return q ? q + 1 : NULL;
  }
  return p + 1;
}

static int atom_matches(const char *atom, const char *end, char c) {
  if (*atom == '?') return 1;
  if (*atom == '[') {
    int negate = atom[1] == '^';
    int found = 0;
    int lc = tolower((unsigned char)c);
    for (const char *q = atom + 1 + negate; q < end - 1; q++) {
      if (q + 2 < end - 1 && q[1] == '-') { /* a range such as 0-9 */
        if (lc >= tolower((unsigned char)q[0]) && lc <= tolower((unsigned char)q[2])) found = 1;
        q += 2;
      } else if (tolower((unsigned char)*q) == lc) {
        found = 1;
      }
    }
    return negate ? !found : found;
  }
  return tolower((unsigned char)*atom) == tolower((unsigned char)c);
}

static int match_here(const char *pattern, const char *pattern_end, const char *text) {
  if (pattern == pattern_end) return *text == '\0';
  const char *end = atom_end(pattern);
  if (end == NULL || end > pattern_end) return -1;
  char op = end < pattern_end ? *end : '\0';
  if (op == '*' || op == '+') {
    const char *t = text;
    if (op == '+') {
      if (!*t || !atom_matches(pattern, end, *t)) return 0;
      t++;
    }
    for (;;) {
      int r = match_here(end + 1, pattern_end, t);
      if (r != 0) return r;
      if (!*t || !atom_matches(pattern, end, *t)) return 0;
      t++;
    }
  }
  if (!*text || !atom_matches(pattern, end, *text)) return 0;
  return match_here(end, pattern_end, text + 1);
}

static int match_expression(const char *expr, const char *text) {
  const char *start = expr;
  for (;;) {
    const char *bar = strchr(start, '|');
    const char *stop = bar ? bar : start + strlen(start);
    int r = match_here(start, stop, text);
    if (r != 0) return r;
    if (!bar) return 0;
    start = bar + 1;
  }
}

ViStatus viFindRsrc(ViSession rm, const char *expr, ViFindList *list, ViUInt32 *count,
                    char desc[VI_FIND_BUFLEN]) {
  struct session *r = lookup(rm, KIND_RM);
  if (!r) return VI_ERROR_INV_OBJECT;
  if (expr == NULL || *expr == '\0') return VI_ERROR_INV_EXPR;
  const char *env = getenv("FAKEVISA_RESOURCES");
  char *copy = strdup(env ? env : "");
  char **found = NULL;
  int n = 0;
  ViStatus status = VI_SUCCESS;
  for (char *save = NULL, *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
    int m = match_expression(expr, item);
    if (m < 0) {
      status = VI_ERROR_INV_EXPR;
      break;
    }
    if (m) {
      found = realloc(found, sizeof(char *) * (size_t)(n + 1));
      found[n++] = strdup(item);
    }
  }
  free(copy);
  if (status == VI_SUCCESS && n == 0) status = VI_ERROR_RSRC_NFOUND;
  if (status != VI_SUCCESS) {
    for (int i = 0; i < n; i++) free(found[i]);
    free(found);
    return status;
  }
  ViFindList id = allocate(KIND_FINDLIST, rm);
  if (id == 0) return VI_ERROR_ALLOC;
  struct session *f = &sessions[id - SESSION_BASE];
  f->found = found;
  f->found_count = n;
  f->found_next = 1;
  snprintf(desc, VI_FIND_BUFLEN, "%s", found[0]);
  if (list) *list = id;
  if (count) *count = (ViUInt32)n;
  return VI_SUCCESS;
}

ViStatus viFindNext(ViFindList list, char desc[VI_FIND_BUFLEN]) {
  struct session *f = lookup(list, KIND_FINDLIST);
  if (!f) return VI_ERROR_INV_OBJECT;
  if (f->found_next >= f->found_count) return VI_ERROR_RSRC_NFOUND;
  snprintf(desc, VI_FIND_BUFLEN, "%s", f->found[f->found_next++]);
  return VI_SUCCESS;
}

/* ---------------------------------------------------------------- open and close */

static int starts_with_nocase(const char *s, const char *prefix) {
  return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Parses TCPIP[board]::host::port::SOCKET. Returns 1 on success, 0 for a valid name of another
 * kind (not supported here), -1 for a malformed name. */
static int parse_socket_name(const char *name, struct session *s) {
  if (!starts_with_nocase(name, "TCPIP")) {
    return (starts_with_nocase(name, "GPIB") || starts_with_nocase(name, "ASRL") ||
            starts_with_nocase(name, "USB"))
               ? 0
               : -1;
  }
  const char *p = name + 5;
  unsigned board = 0;
  while (isdigit((unsigned char)*p)) board = board * 10 + (unsigned)(*p++ - '0');
  if (strncmp(p, "::", 2) != 0) return -1;
  p += 2;
  const char *host_end = strstr(p, "::");
  if (host_end == NULL || host_end == p || (size_t)(host_end - p) >= sizeof s->host) {
    return host_end == NULL && *p ? 0 : -1; /* TCPIP::host is an INSTR */
  }
  memcpy(s->host, p, (size_t)(host_end - p));
  s->host[host_end - p] = '\0';
  p = host_end + 2;
  const char *port_end = strstr(p, "::");
  if (port_end == NULL) return 0; /* TCPIP::host::inst0 */
  if (strcasecmp(port_end, "::SOCKET") != 0) return strcasecmp(port_end, "::INSTR") == 0 ? 0 : -1;
  if (port_end == p) return -1;
  unsigned long port = 0;
  for (const char *q = p; q < port_end; q++) {
    if (!isdigit((unsigned char)*q)) return -1;
    port = port * 10 + (unsigned long)(*q - '0');
    if (port > 65535) return -1;
  }
  if (port == 0) return -1;
  s->port = (ViUInt16)port;
  s->board = (ViUInt16)board;
  char canonical[2 * VI_FIND_BUFLEN];
  snprintf(canonical, sizeof canonical, "TCPIP%u::%s::%lu::SOCKET", board, s->host, port);
  if (strlen(canonical) >= sizeof s->name) return -1;
  memcpy(s->name, canonical, strlen(canonical) + 1);
  return 1;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left until the deadline, for poll(); -1 means forever. */
static int remaining(long long deadline) {
  if (deadline < 0) return -1;
  long long left = deadline - now_ms();
  return left < 0 ? 0 : (int)left;
}

static ViStatus connect_with_timeout(struct session *s, ViUInt32 timeout_ms) {
  char port[16];
  snprintf(port, sizeof port, "%u", s->port);
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const char *host = s->host;
  char bare[VI_FIND_BUFLEN];
  if (host[0] == '[') { /* [ipv6] */
    snprintf(bare, sizeof bare, "%s", host + 1);
    char *close_bracket = strchr(bare, ']');
    if (close_bracket) *close_bracket = '\0';
    host = bare;
  }
  if (getaddrinfo(host, port, &hints, &res) != 0 || res == NULL) return VI_ERROR_RSRC_NFOUND;
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    freeaddrinfo(res);
    return VI_ERROR_SYSTEM_ERROR;
  }
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = connect(fd, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    close(fd);
    return VI_ERROR_RSRC_NFOUND;
  }
  if (rc != 0) {
    struct pollfd pfd = {fd, POLLOUT, 0};
    int ready = poll(&pfd, 1, timeout_ms == VI_TMO_INFINITE ? -1 : (int)timeout_ms);
    int err = 0;
    socklen_t len = sizeof err;
    if (ready <= 0) {
      close(fd);
      return ready == 0 ? VI_ERROR_TMO : VI_ERROR_SYSTEM_ERROR;
    }
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      close(fd);
      return VI_ERROR_RSRC_NFOUND;
    }
  }
  s->fd = fd;
  return VI_SUCCESS;
}

ViStatus viOpen(ViSession rm, const char *name, ViAccessMode mode, ViUInt32 timeout,
                ViSession *vi) {
  if (!lookup(rm, KIND_RM)) return VI_ERROR_INV_OBJECT;
  if (mode > 7) return VI_ERROR_INV_ACC_MODE;
  ViSession id = allocate(KIND_INSTR, rm);
  if (id == 0) return VI_ERROR_ALLOC;
  struct session *s = &sessions[id - SESSION_BASE];
  int parsed = parse_socket_name(name, s);
  if (parsed <= 0) {
    release(s);
    return parsed < 0 ? VI_ERROR_INV_RSRC_NAME : VI_ERROR_RSRC_NFOUND;
  }
  s->tmo = 2000;
  s->termchar = '\n';
  s->termchar_en = 0;
  s->suppress_end_en = 1; /* like NI-VISA for SOCKET: only TERMCHAR or count end a read */
  s->send_end_en = 1;
  s->io_prot = 1;
  s->pending = malloc(PENDING_CAPACITY);
  if (s->pending == NULL) {
    release(s);
    return VI_ERROR_ALLOC;
  }
  ViStatus status = connect_with_timeout(s, timeout > 0 ? timeout : 2000);
  if (status != VI_SUCCESS) {
    release(s);
    return status;
  }
  *vi = id;
  return VI_SUCCESS;
}

ViStatus viClose(ViObject vi) {
  struct session *s = lookup(vi, KIND_FREE);
  if (!s) return VI_ERROR_INV_OBJECT;
  if (s->kind == KIND_RM) {
    for (int i = 0; i < MAX_SESSIONS; i++) {
      if (sessions[i].kind != KIND_FREE && sessions[i].kind != KIND_RM && sessions[i].rm == vi)
        release(&sessions[i]);
    }
  }
  release(s);
  return VI_SUCCESS;
}

/* ---------------------------------------------------------------- I/O */

/* Moves n bytes from the pending buffer into buf. */
static void take(struct session *s, unsigned char *buf, size_t n) {
  memcpy(buf, s->pending, n);
  memmove(s->pending, s->pending + n, s->pending_len - n);
  s->pending_len -= n;
}

static ViStatus read_locked(struct session *s, unsigned char *buf, ViUInt32 count, ViUInt32 *ret) {
  long long deadline = s->tmo == VI_TMO_INFINITE ? -1 : now_ms() + s->tmo;
  *ret = 0;
  for (;;) {
    if (s->termchar_en) {
      unsigned char *hit = memchr(s->pending, s->termchar, s->pending_len);
      if (hit) {
        size_t n = (size_t)(hit - s->pending) + 1;
        if (n <= count) {
          take(s, buf, n);
          *ret = (ViUInt32)n;
          return VI_SUCCESS_TERM_CHAR;
        }
      }
    }
    if (s->pending_len >= count || s->pending_len == PENDING_CAPACITY) {
      size_t n = s->pending_len < count ? s->pending_len : count;
      take(s, buf, n);
      *ret = (ViUInt32)n;
      return VI_SUCCESS_MAX_CNT;
    }
    if (!s->suppress_end_en && s->pending_len > 0) {
      /* No END indicator on a socket: without suppression, whatever arrived is a message. */
      size_t n = s->pending_len;
      take(s, buf, n);
      *ret = (ViUInt32)n;
      return VI_SUCCESS;
    }
    struct pollfd pfd = {s->fd, POLLIN, 0};
    int ready = poll(&pfd, 1, remaining(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return VI_ERROR_IO;
    if (ready == 0) {
      size_t n = s->pending_len < count ? s->pending_len : count;
      take(s, buf, n); /* partial data comes with the timeout */
      *ret = (ViUInt32)n;
      return VI_ERROR_TMO;
    }
    ssize_t got = recv(s->fd, s->pending + s->pending_len, PENDING_CAPACITY - s->pending_len, 0);
    if (got == 0 || (got < 0 && (errno == ECONNRESET || errno == EPIPE))) {
      size_t n = s->pending_len < count ? s->pending_len : count;
      take(s, buf, n);
      *ret = (ViUInt32)n;
      return VI_ERROR_CONN_LOST;
    }
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (got < 0) return VI_ERROR_IO;
    s->pending_len += (size_t)got;
  }
}

ViStatus viRead(ViSession vi, unsigned char *buf, ViUInt32 count, ViUInt32 *ret) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return VI_ERROR_INV_OBJECT;
  ViUInt32 dummy = 0;
  enter(s);
  ViStatus status = read_locked(s, buf, count, ret ? ret : &dummy);
  leave(s);
  return status;
}

static ViStatus write_locked(struct session *s, const unsigned char *buf, ViUInt32 count,
                             ViUInt32 *ret) {
  long long deadline = s->tmo == VI_TMO_INFINITE ? -1 : now_ms() + s->tmo;
  size_t sent = 0;
  while (sent < count) {
    struct pollfd pfd = {s->fd, POLLOUT, 0};
    int ready = poll(&pfd, 1, remaining(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      *ret = (ViUInt32)sent;
      return VI_ERROR_TMO;
    }
    ssize_t n = send(s->fd, buf + sent, count - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n < 0) {
      *ret = (ViUInt32)sent;
      return (errno == EPIPE || errno == ECONNRESET) ? VI_ERROR_CONN_LOST : VI_ERROR_IO;
    }
    sent += (size_t)n;
  }
  *ret = (ViUInt32)sent;
  return VI_SUCCESS;
}

ViStatus viWrite(ViSession vi, const unsigned char *buf, ViUInt32 count, ViUInt32 *ret) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return VI_ERROR_INV_OBJECT;
  ViUInt32 dummy = 0;
  enter(s);
  ViStatus status = write_locked(s, buf, count, ret ? ret : &dummy);
  leave(s);
  return status;
}

/* Device clear on a socket: discard what was received and drain the socket for up to 100 ms. */
ViStatus viClear(ViSession vi) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return VI_ERROR_INV_OBJECT;
  enter(s);
  s->pending_len = 0;
  long long deadline = now_ms() + 100;
  unsigned char scratch[4096];
  for (;;) {
    struct pollfd pfd = {s->fd, POLLIN, 0};
    int ready = poll(&pfd, 1, remaining(deadline) < 10 ? remaining(deadline) : 10);
    if (ready <= 0) break;
    ssize_t n = recv(s->fd, scratch, sizeof scratch, 0);
    if (n <= 0) break;
  }
  leave(s);
  return VI_SUCCESS;
}

/* Serial poll over a socket, as VISA does for SOCKET resources: ask "*STB?" and parse the reply. */
ViStatus viReadSTB(ViSession vi, ViUInt16 *stb) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return VI_ERROR_INV_OBJECT;
  enter(s);
  ViUInt32 n = 0;
  ViStatus status = write_locked(s, (const unsigned char *)"*STB?\n", 6, &n);
  char reply[64];
  size_t len = 0;
  if (status == VI_SUCCESS) {
    ViBoolean saved_en = s->termchar_en;
    unsigned char saved_char = s->termchar;
    s->termchar_en = 1;
    s->termchar = '\n';
    status = read_locked(s, (unsigned char *)reply, sizeof reply - 1, &n);
    s->termchar_en = saved_en;
    s->termchar = saved_char;
    len = n;
  }
  leave(s);
  if (status < 0) return status;
  reply[len] = '\0';
  char *end = NULL;
  long value = strtol(reply, &end, 10);
  if (end == reply || value < 0 || value > 255) return VI_ERROR_IO;
  *stb = (ViUInt16)value;
  return VI_SUCCESS;
}

/* ---------------------------------------------------------------- attributes */

static int is_string_attribute(ViAttr attr) {
  return attr == VI_ATTR_RSRC_NAME || attr == VI_ATTR_RSRC_CLASS || attr == VI_ATTR_TCPIP_ADDR ||
         attr == VI_ATTR_TCPIP_HOSTNAME;
}

ViStatus viGetAttribute(ViObject vi, ViAttr attr, void *out) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return lookup(vi, KIND_FREE) ? VI_ERROR_NSUP_ATTR : VI_ERROR_INV_OBJECT;
  if (is_string_attribute(attr)) {
    const char *value = attr == VI_ATTR_RSRC_NAME ? s->name
                        : attr == VI_ATTR_RSRC_CLASS ? "SOCKET"
                                                     : s->host;
    snprintf((char *)out, VI_FIND_BUFLEN, "%s", value);
    return VI_SUCCESS;
  }
  switch (attr) {
  case VI_ATTR_TMO_VALUE:
    *(ViUInt32 *)out = s->tmo;
    return VI_SUCCESS;
  case VI_ATTR_TERMCHAR:
    *(unsigned char *)out = s->termchar;
    return VI_SUCCESS;
  case VI_ATTR_TERMCHAR_EN:
    *(ViBoolean *)out = s->termchar_en;
    return VI_SUCCESS;
  case VI_ATTR_SUPPRESS_END_EN:
    *(ViBoolean *)out = s->suppress_end_en;
    return VI_SUCCESS;
  case VI_ATTR_SEND_END_EN:
    *(ViBoolean *)out = s->send_end_en;
    return VI_SUCCESS;
  case VI_ATTR_TCPIP_NODELAY:
    *(ViBoolean *)out = s->nodelay;
    return VI_SUCCESS;
  case VI_ATTR_TCPIP_KEEPALIVE:
    *(ViBoolean *)out = s->keepalive;
    return VI_SUCCESS;
  case VI_ATTR_IO_PROT:
    *(ViUInt16 *)out = s->io_prot;
    return VI_SUCCESS;
  case VI_ATTR_INTF_TYPE:
    *(ViUInt16 *)out = 6; /* VI_INTF_TCPIP */
    return VI_SUCCESS;
  case VI_ATTR_INTF_NUM:
    *(ViUInt16 *)out = s->board;
    return VI_SUCCESS;
  case VI_ATTR_TCPIP_PORT:
    *(ViUInt16 *)out = s->port;
    return VI_SUCCESS;
  default:
    return VI_ERROR_NSUP_ATTR;
  }
}

ViStatus viSetAttribute(ViObject vi, ViAttr attr, ViAttrState value) {
  struct session *s = lookup(vi, KIND_INSTR);
  if (!s) return lookup(vi, KIND_FREE) ? VI_ERROR_NSUP_ATTR : VI_ERROR_INV_OBJECT;
  switch (attr) {
  case VI_ATTR_TMO_VALUE:
    if (value > 0xFFFFFFFFull) return VI_ERROR_NSUP_ATTR_STATE;
    s->tmo = (ViUInt32)value;
    return VI_SUCCESS;
  case VI_ATTR_TERMCHAR:
    if (value > 0xFF) return VI_ERROR_NSUP_ATTR_STATE;
    s->termchar = (unsigned char)value;
    return VI_SUCCESS;
  case VI_ATTR_TERMCHAR_EN:
  case VI_ATTR_SUPPRESS_END_EN:
  case VI_ATTR_SEND_END_EN:
  case VI_ATTR_TCPIP_NODELAY:
  case VI_ATTR_TCPIP_KEEPALIVE:
    if (value > 1) return VI_ERROR_NSUP_ATTR_STATE;
    if (attr == VI_ATTR_TERMCHAR_EN) s->termchar_en = (ViBoolean)value;
    if (attr == VI_ATTR_SUPPRESS_END_EN) s->suppress_end_en = (ViBoolean)value;
    if (attr == VI_ATTR_SEND_END_EN) s->send_end_en = (ViBoolean)value;
    if (attr == VI_ATTR_TCPIP_NODELAY) {
      int on = (int)value;
      s->nodelay = (ViBoolean)value;
      setsockopt(s->fd, IPPROTO_TCP, 1 /* TCP_NODELAY */, &on, sizeof on);
    }
    if (attr == VI_ATTR_TCPIP_KEEPALIVE) {
      int on = (int)value;
      s->keepalive = (ViBoolean)value;
      setsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    }
    return VI_SUCCESS;
  case VI_ATTR_IO_PROT:
    if (value < 1 || value > 5) return VI_ERROR_NSUP_ATTR_STATE;
    s->io_prot = (ViUInt16)value;
    return VI_SUCCESS;
  case VI_ATTR_RSRC_NAME:
  case VI_ATTR_RSRC_CLASS:
  case VI_ATTR_INTF_TYPE:
  case VI_ATTR_INTF_NUM:
  case VI_ATTR_TCPIP_ADDR:
  case VI_ATTR_TCPIP_HOSTNAME:
  case VI_ATTR_TCPIP_PORT:
    return VI_ERROR_ATTR_READONLY;
  default:
    return VI_ERROR_NSUP_ATTR;
  }
}
