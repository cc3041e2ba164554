/* HTTP's heads, read and written (see http.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* RFC 9110's tchar: the bytes of a method or a header's name. */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A control byte, as no path or header value may hold (a tab excepted
 * in values). */
static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

long http_head_end(const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);

	if (!nl)
		return len >= HTTP_LINE_MAX ? -414 : 0;
	if ((size_t)(nl - buf) + 1 > HTTP_LINE_MAX)
		return -414;
	/* Each line's end: is the line after it empty? */
	while (nl) {
		size_t at = (size_t)(nl - buf) + 1, end = 0;

		if (at < len && buf[at] == '\n')
			end = at + 1;
		else if (at + 1 < len && buf[at] == '\r' && buf[at + 1] == '\n')
			end = at + 2;
		if (end)
			return end > HTTP_HEAD_MAX ? -431 : (long)end;
		nl = memchr(buf + at, '\n', len - at);
	}
	return len >= HTTP_HEAD_MAX ? -431 : 0;
}

/* The next line of buf[*at..len) without its CRLF or LF, NUL-terminated
 * in place (the head is the caller's copy): NULL past the last. */
static char *next_line(char *buf, size_t len, size_t *at)
{
	char *line = buf + *at, *nl = memchr(line, '\n', len - *at);

	if (!nl)
		return NULL;
	*at = (size_t)(nl - buf) + 1;
	if (nl > line && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return line;
}

/* The request line: method SP target SP HTTP/d.d. 0, or a status. */
static int parse_request_line(char *line, struct http_request *r, char **target)
{
	char *sp1 = strchr(line, ' '), *sp2, *v;

	if (!sp1 || sp1 == line)
		return 400;
	for (char *p = line; p < sp1; p++)
		if (!is_tchar(*p))
			return 400;
	*target = sp1 + 1;
	if (!(sp2 = strchr(*target, ' ')) || sp2 == *target)
		return 400;
	*sp2 = '\0';
	for (char *p = *target; *p; p++)
		if (is_ctl((unsigned char)*p))
			return 400; /* bytes past ASCII (raw UTF-8) are taken, as browsers' own would be %-encoded */
	v = sp2 + 1;
	if (strncmp(v, "HTTP/", 5) != 0 || !(v[5] >= '0' && v[5] <= '9') || v[6] != '.' ||
	    !(v[7] >= '0' && v[7] <= '9') || v[8])
		return 400;
	if (v[5] != '1')
		return 505;
	r->hr_minor = v[7] == '0' ? 0 : 1;
	r->hr_keep_alive = r->hr_minor >= 1;
	*sp1 = '\0';
	r->hr_method = strcmp(line, "GET") == 0    ? HTTP_GET
	               : strcmp(line, "HEAD") == 0 ? HTTP_HEAD
	                                           : HTTP_OTHER;
	return 0;
}

/* Connection's tokens, comma-separated, case ignored. */
static void connection_tokens(const char *v, bool *close, bool *keep)
{
	while (*v) {
		size_t n;

		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		n = strcspn(v, " \t,");
		if (n == 5 && strncasecmp(v, "close", 5) == 0)
			*close = true;
		else if (n == 10 && strncasecmp(v, "keep-alive", 10) == 0)
			*keep = true;
		v += n;
	}
}

/* What the headers say, as parse_headers gathers it. */
struct head_fields {
	unsigned hosts;
	bool length_seen, transfer_encoding, close, keep;
	uint64_t length;
};

/* One header line "Name: value" into f: 0, or a status. */
static int parse_header(char *line, struct head_fields *f)
{
	char *colon = strchr(line, ':'), *v, *end;

	if (line[0] == ' ' || line[0] == '\t')
		return 400; /* obsolete line folding */
	if (!colon || colon == line)
		return 400;
	for (char *p = line; p < colon; p++)
		if (!is_tchar(*p))
			return 400; /* a space before the colon among them */
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*end = '\0';
	for (char *p = v; *p; p++)
		if (is_ctl((unsigned char)*p) && *p != '\t')
			return 400;
	if (strcasecmp(line, "Host") == 0) {
		f->hosts++;
	} else if (strcasecmp(line, "Connection") == 0) {
		connection_tokens(v, &f->close, &f->keep);
	} else if (strcasecmp(line, "Transfer-Encoding") == 0) {
		f->transfer_encoding = true;
	} else if (strcasecmp(line, "Content-Length") == 0) {
		uint64_t n = 0;

		if (!*v || strlen(v) > 18)
			return 400;
		for (char *p = v; *p; p++) {
			if (*p < '0' || *p > '9')
				return 400;
			n = n * 10 + (uint64_t)(*p - '0');
		}
		if (f->length_seen && n != f->length)
			return 400;
		f->length_seen = true;
		f->length = n;
	}
	return 0;
}

int http_parse(const char *buf, size_t len, struct http_request *r)
{
	char head[HTTP_HEAD_MAX + 1], *line, *target = NULL;
	struct head_fields f = { 0 };
	size_t at = 0;
	int status;

	*r = (struct http_request){ .hr_method = HTTP_OTHER, .hr_path = "/" };
	if (len > HTTP_HEAD_MAX)
		return 431;
	memcpy(head, buf, len);
	head[len] = '\0';
	if (!(line = next_line(head, len, &at)))
		return 400;
	if ((status = parse_request_line(line, r, &target)) != 0)
		return status;
	while ((line = next_line(head, len, &at)) && *line)
		if ((status = parse_header(line, &f)) != 0)
			return status;
	if (f.close)
		r->hr_keep_alive = false;
	else if (r->hr_minor == 0)
		r->hr_keep_alive = f.keep;
	if (f.transfer_encoding)
		return 501;
	if (f.hosts > 1 || (r->hr_minor >= 1 && f.hosts == 0))
		return 400;
	r->hr_body = f.length;
	if (r->hr_body > HTTP_BODY_MAX)
		return 413;
	if (r->hr_method == HTTP_OTHER)
		return 405;
	return http_target_path(target, r->hr_path, &r->hr_slash);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* %-decodes the path part of a target (up to '?', '#' or the end) into
 * dec (room for HTTP_PATH_MAX): its length, or -400 or -414. */
static long percent_decode(const char *p, char *dec)
{
	size_t n = 0;

	for (; *p && *p != '?' && *p != '#'; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);

			if (lo < 0)
				return -400;
			c = hi << 4 | lo;
			p += 2;
		}
		if (is_ctl((unsigned char)c)) /* NUL among them */
			return -400;
		if (n + 1 >= HTTP_PATH_MAX)
			return -414;
		dec[n++] = (char)c;
	}
	dec[n] = '\0';
	return (long)n;
}

int http_target_path(const char *target, char *path, bool *slash)
{
	char dec[HTTP_PATH_MAX];
	size_t out = 0;
	long n;

	/* The absolute form: http://host/path is /path. */
	if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
		target = strstr(target, "//") + 2;
		target += strcspn(target, "/?#");
		if (*target != '/')
			target = "/";
	}
	if (target[0] != '/')
		return 400;
	if ((n = percent_decode(target, dec)) < 0)
		return (int)-n;
	*slash = dec[n - 1] == '/' || (n >= 2 && strcmp(dec + n - 2, "/.") == 0);
	/* Segment by segment: empty and "." ones dropped, ".." refused. */
	for (char *seg = dec, *next; *seg; seg = next) {
		size_t len = strcspn(seg, "/");

		next = seg + len + (seg[len] == '/');
		if (len == 0 || (len == 1 && seg[0] == '.'))
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return 403;
		path[out++] = '/';
		memcpy(path + out, seg, len);
		out += len;
	}
	if (out == 0)
		path[out++] = '/';
	path[out] = '\0';
	return 0;
}

const char *http_reason(int status)
{
	static const struct {
		int status;
		const char *reason;
	} reasons[] = {
		{ 200, "OK" },
		{ 301, "Moved Permanently" },
		{ 400, "Bad Request" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 408, "Request Timeout" },
		{ 413, "Content Too Large" },
		{ 414, "URI Too Long" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" },
		{ 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "";
}

bool http_status_closes(int status)
{
	return status == 400 || status == 408 || status == 413 || status == 414 || status == 431 ||
	       status == 501 || status == 505;
}

const char *http_content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ "html", "text/html; charset=utf-8" },
		{ "htm", "text/html; charset=utf-8" },
		{ "txt", "text/plain; charset=utf-8" },
		{ "md", "text/plain; charset=utf-8" },
		{ "c", "text/plain; charset=utf-8" },
		{ "h", "text/plain; charset=utf-8" },
		{ "css", "text/css; charset=utf-8" },
		{ "js", "text/javascript; charset=utf-8" },
		{ "json", "application/json" },
		{ "xml", "application/xml" },
		{ "svg", "image/svg+xml" },
		{ "png", "image/png" },
		{ "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },
		{ "gif", "image/gif" },
		{ "webp", "image/webp" },
		{ "ico", "image/x-icon" },
		{ "pdf", "application/pdf" },
		{ "wasm", "application/wasm" },
		{ "gz", "application/gzip" },
		{ "tar", "application/x-tar" },
		{ "zip", "application/zip" },
	};
	const char *base = strrchr(name, '/'), *dot;

	base = base ? base + 1 : name;
	dot = strrchr(base, '.');
	if (dot && dot != base)
		for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot + 1, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* An IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT", without the locale. */
static void http_date(char *buf, size_t len, time_t t)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday % 7], tm.tm_mday,
	         months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A head being written: put appends, and over says it did not fit. */
struct head_out {
	char *ho_buf;
	size_t ho_len, ho_n;
	bool ho_over;
};

static void put(struct head_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(o->ho_buf + o->ho_n, o->ho_len - o->ho_n, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->ho_len - o->ho_n)
		o->ho_over = true;
	else
		o->ho_n += (size_t)n;
}

size_t http_head_format(char *buf, size_t len, int status, const struct http_reply *rp)
{
	struct head_out o = { buf, len, 0, len == 0 };
	char date[40];

	if (o.ho_over)
		return 0;
	put(&o, "HTTP/1.1 %d %s\r\nServer: kestrel-httpd\r\n", status, http_reason(status));
	if (rp->rp_date) {
		http_date(date, sizeof(date), rp->rp_date);
		put(&o, "Date: %s\r\n", date);
	}
	if (rp->rp_type)
		put(&o, "Content-Type: %s\r\n", rp->rp_type);
	put(&o, "Content-Length: %llu\r\n", (unsigned long long)rp->rp_length);
	if (rp->rp_modified) {
		http_date(date, sizeof(date), rp->rp_modified);
		put(&o, "Last-Modified: %s\r\n", date);
	}
	if (rp->rp_location)
		put(&o, "Location: %s\r\n", rp->rp_location);
	if (status == 405)
		put(&o, "Allow: GET, HEAD\r\n");
	if (!rp->rp_keep_alive)
		put(&o, "Connection: close\r\n");
	else if (rp->rp_minor == 0)
		put(&o, "Connection: keep-alive\r\n");
	put(&o, "\r\n");
	return o.ho_over ? 0 : o.ho_n;
}

size_t http_url_encode(char *dst, size_t len, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		             strchr("-._~", c) || (keep_slash && c == '/');

		if (n + (plain ? 1 : 3) >= len)
			return 0;
		if (plain) {
			dst[n++] = (char)c;
		} else {
			dst[n++] = '%';
			dst[n++] = hex[c >> 4];
			dst[n++] = hex[c & 15];
		}
	}
	if (n < len)
		dst[n] = '\0';
	return n;
}

size_t http_html_escape(char *dst, size_t len, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		const char *e = *s == '&'    ? "&amp;"
		                : *s == '<'  ? "&lt;"
		                : *s == '>'  ? "&gt;"
		                : *s == '"'  ? "&quot;"
		                : *s == '\'' ? "&#39;"
		                             : NULL;
		size_t k = e ? strlen(e) : 1;

		if (n + k >= len)
			return 0;
		memcpy(dst + n, e ? e : s, k);
		n += k;
	}
	if (n < len)
		dst[n] = '\0';
	return n;
}
