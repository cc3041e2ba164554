/* The document root: paths looked up under it without following
 * symbolic links, and directory listings (see files.h). */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "http.h"

static int status_of(int err)
{
	if (err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG)
		return 404;
	return err == EACCES ? 403 : 500;
}

int files_lookup(const char *root, const char *path, char *fspath, size_t len, struct stat *st)
{
	bool top = strcmp(root, "/") == 0; /* the root's own '/' is the path's */
	size_t rootlen = top ? 0 : strlen(root);
	int n = snprintf(fspath, len, "%s%s", top ? "" : root, top || strcmp(path, "/") != 0 ? path : "");

	if (n < 0 || (size_t)n >= len)
		return 404;
	/* The root itself may be a link: it is the configuration's. */
	if (stat(root, st) < 0)
		return status_of(errno);
	if (!S_ISDIR(st->st_mode))
		return 404;
	for (char *p = fspath + rootlen; *p == '/';) {
		char *next = strchr(p + 1, '/');

		if (next)
			*next = '\0';
		if (lstat(fspath, st) < 0) {
			int err = errno;

			if (next)
				*next = '/';
			return status_of(err);
		}
		if (next)
			*next = '/';
		if (S_ISLNK(st->st_mode))
			return 403;
		if (!next)
			break;
		if (!S_ISDIR(st->st_mode))
			return 404;
		p = next;
	}
	return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode) ? 0 : 403;
}

/* A page being written, grown as needed. */
struct page {
	char *pg_buf;
	size_t pg_len, pg_cap;
	bool pg_failed;
};

static void put(struct page *pg, const char *fmt, ...)
{
	va_list ap;
	char *more;
	int n;

	for (;;) {
		if (pg->pg_failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(pg->pg_buf + pg->pg_len, pg->pg_cap - pg->pg_len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < pg->pg_cap - pg->pg_len) {
			pg->pg_len += (size_t)n;
			return;
		}
		more = n < 0 ? NULL : realloc(pg->pg_buf, pg->pg_cap * 2 + (size_t)n);
		if (!more) {
			pg->pg_failed = true;
			return;
		}
		pg->pg_buf = more;
		pg->pg_cap = pg->pg_cap * 2 + (size_t)n;
	}
}

struct entry {
	char *e_name;
	struct stat e_st;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->e_name, ((const struct entry *)b)->e_name);
}

/* The directory's entries (no dot files), sorted: how many, *more how
 * many were left out; -1 if it cannot be read. */
static int entries_read(const char *fspath, struct entry *e, unsigned *more)
{
	DIR *d = opendir(fspath);
	struct dirent *de;
	int n = 0;

	*more = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char full[HTTPD_FSPATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		if (n == HTTPD_LIST_MAX) {
			(*more)++;
			continue;
		}
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", fspath, de->d_name) >= sizeof(full))
			continue; /* a path the C library would refuse */
		if (!(e[n].e_name = strdup(de->d_name)))
			break;
		if (lstat(full, &e[n].e_st) < 0)
			memset(&e[n].e_st, 0, sizeof(e[n].e_st));
		n++;
	}
	closedir(d);
	qsort(e, (size_t)n, sizeof(e[0]), by_name);
	return n;
}

/* One row: the name linked (a directory's with its '/'), size, time. */
static void row(struct page *pg, const struct entry *e)
{
	char href[3 * 255 + 2], text[6 * 255 + 2], when[64] = "";
	bool dir = S_ISDIR(e->e_st.st_mode);
	struct tm tm;

	if (!http_url_encode(href, sizeof(href) - 1, e->e_name, false) ||
	    !http_html_escape(text, sizeof(text) - 1, e->e_name))
		return;
	if (dir) {
		strcat(href, "/");
		strcat(text, "/");
	}
	if (e->e_st.st_mtime) {
		time_t t = e->e_st.st_mtime;

		gmtime_r(&t, &tm);
		snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min);
	}
	if (S_ISREG(e->e_st.st_mode))
		put(pg, "<tr><td><a href=\"%s\">%s</a></td><td>%llu</td><td>%s</td></tr>\n", href, text,
		    (unsigned long long)e->e_st.st_size, when);
	else
		put(pg, "<tr><td><a href=\"%s\">%s</a></td><td>-</td><td>%s</td></tr>\n", href, text, when);
}

char *files_listing(const char *fspath, const char *urlpath, size_t *len)
{
	struct entry *e = calloc(HTTPD_LIST_MAX, sizeof(*e));
	struct page pg = { malloc(4096), 0, 4096, false };
	char title[6 * HTTP_PATH_MAX];
	const char *slash = strcmp(urlpath, "/") == 0 ? "" : "/";
	unsigned more;
	int n = e ? entries_read(fspath, e, &more) : -1;

	pg.pg_failed = !pg.pg_buf || n < 0 || !http_html_escape(title, sizeof(title), urlpath);
	put(&pg,
	    "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Index of %s%s</title></head>\n"
	    "<body>\n<h1>Index of %s%s</h1>\n<table>\n"
	    "<tr><th>Name</th><th>Size</th><th>Modified (UTC)</th></tr>\n",
	    title, slash, title, slash);
	if (*slash)
		put(&pg, "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
	for (int i = 0; i < n; i++)
		row(&pg, &e[i]);
	if (n > 0 && more)
		put(&pg, "<tr><td>(%u more)</td><td></td><td></td></tr>\n", more);
	put(&pg, "</table>\n</body>\n</html>\n");
	for (int i = 0; i < n; i++)
		free(e[i].e_name);
	free(e);
	if (pg.pg_failed) {
		free(pg.pg_buf);
		return NULL;
	}
	*len = pg.pg_len;
	return pg.pg_buf;
}
