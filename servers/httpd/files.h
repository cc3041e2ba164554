/* What httpd serves: the files under its document root, on the
 * filesystem server through the C library (open, lstat, opendir). */
#pragma once

#include <stddef.h>
#include <sys/stat.h>

#define HTTPD_FSPATH_MAX 256 /* the C library's longest path, its NUL included */
#define HTTPD_LIST_MAX   256 /* entries a directory listing shows */

/* Finds path (clean, as http_parse leaves it) under root, one component
 * at a time with lstat: a symbolic link anywhere below the root is
 * refused, so nothing outside it is reached through one. Writes the
 * file's path into fspath (room for len) and its attributes into st.
 * Returns 0, 403 (a symbolic link, a device, no permission), 404 (no
 * such file, a path too long) or 500 (the filesystem failed). */
int files_lookup(const char *root, const char *path, char *fspath, size_t len, struct stat *st);

/* An HTML page listing the directory fspath, which the URL urlpath (a
 * clean path, as http_parse leaves it) names: links to each entry but
 * the dot files, sorted, with sizes and times; at most HTTPD_LIST_MAX
 * entries. Returns it from malloc with its length in *len, or NULL. */
char *files_listing(const char *fspath, const char *urlpath, size_t *len);
