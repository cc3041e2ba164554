/* httpd's HTTP heads (servers/httpd/http.c): what a request says, what is
 * refused and with which status, paths that cannot leave the root, and
 * the response's head. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/httpd/http.h"

/* Parses a whole head given as a string. */
static int parse(const char *head, struct http_request *r)
{
	return http_parse(head, strlen(head), r);
}

static void a_head_ends_at_its_empty_line(void **state)
{
	const char crlf[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next", lf[] = "GET / HTTP/1.0\n\n";

	(void)state;
	assert_int_equal(http_head_end(crlf, strlen(crlf)), strlen("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
	assert_int_equal(http_head_end(lf, strlen(lf)), strlen(lf));
	assert_int_equal(http_head_end(crlf, 20), 0);
	assert_int_equal(http_head_end("GET / HTTP/1.1\r\n\r", 17), 0);
}

static void an_overlong_line_is_414_and_an_overlong_head_431(void **state)
{
	static char buf[HTTP_HEAD_MAX + 16];

	(void)state;
	memset(buf, 'a', sizeof(buf));
	assert_int_equal(http_head_end(buf, HTTP_LINE_MAX), -414);
	assert_int_equal(http_head_end(buf, HTTP_LINE_MAX - 1), 0);
	memcpy(buf, "GET / HTTP/1.1\r\n", 16);
	for (size_t i = 16; i + 8 < sizeof(buf); i += 8)
		memcpy(buf + i, "X: abc\r\n", 8);
	assert_int_equal(http_head_end(buf, HTTP_HEAD_MAX), -431);
	assert_int_equal(http_head_end(buf, 1000), 0);
}

static void a_get_is_read_whole(void **state)
{
	struct http_request r;

	(void)state;
	assert_int_equal(parse("GET /docs/a%20b.txt?x=1 HTTP/1.1\r\nHost: k\r\nAccept: */*\r\n\r\n", &r), 0);
	assert_int_equal(r.hr_method, HTTP_GET);
	assert_int_equal(r.hr_minor, 1);
	assert_string_equal(r.hr_path, "/docs/a b.txt");
	assert_false(r.hr_slash);
	assert_true(r.hr_keep_alive);
	assert_int_equal(r.hr_body, 0);
	assert_int_equal(parse("HEAD /dir/ HTTP/1.0\r\n\r\n", &r), 0);
	assert_int_equal(r.hr_method, HTTP_HEAD);
	assert_string_equal(r.hr_path, "/dir");
	assert_true(r.hr_slash);
	assert_false(r.hr_keep_alive);
}

static void connection_decides_keep_alive(void **state)
{
	struct http_request r;

	(void)state;
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: k\r\nConnection: Close\r\n\r\n", &r), 0);
	assert_false(r.hr_keep_alive);
	assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", &r), 0);
	assert_true(r.hr_keep_alive);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: k\r\nConnection: keep-alive, close\r\n\r\n", &r), 0);
	assert_false(r.hr_keep_alive);
	assert_int_equal(parse("GET / HTTP/1.2\r\nHost: k\r\n\r\n", &r), 0);
	assert_int_equal(r.hr_minor, 1);
	assert_true(r.hr_keep_alive);
}

static void malformed_requests_are_400(void **state)
{
	static const char *const bad[] = {
		"GARBAGE\r\n\r\n",
		"GET /\r\n\r\n",
		"GET  / HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.0 extra\r\n\r\n",
		"GET / HTTP/1\r\n\r\n",
		"GET / http/1.0\r\n\r\n",
		"G(T / HTTP/1.0\r\n\r\n",
		"GET noslash HTTP/1.0\r\n\r\n",
		"GET / HTTP/1.1\r\n\r\n",                       /* no Host */
		"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", /* two */
		"GET / HTTP/1.0\r\nNoColon\r\n\r\n",
		"GET / HTTP/1.0\r\nBad Name: x\r\n\r\n",
		"GET / HTTP/1.0\r\nName : x\r\n\r\n",
		"GET / HTTP/1.0\r\nA: b\r\n folded\r\n\r\n",
		"GET / HTTP/1.0\r\nContent-Length: x1\r\n\r\n",
		"GET / HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
		"GET /a%2 HTTP/1.0\r\n\r\n",
		"GET /a%zz HTTP/1.0\r\n\r\n",
		"GET /a%00b HTTP/1.0\r\n\r\n",
		"GET /a%0ab HTTP/1.0\r\n\r\n",
		"GET /\x7f HTTP/1.0\r\n\r\n",
		"GET /a\tb HTTP/1.0\r\n\r\n",
	};
	struct http_request r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int status = parse(bad[i], &r);

		if (status != 400)
			fail_msg("%zu: \"%s\" answered %d, not 400", i, bad[i], status);
	}
}

static void other_statuses(void **state)
{
	struct http_request r;

	(void)state;
	assert_int_equal(parse("POST / HTTP/1.0\r\nContent-Length: 5\r\n\r\n", &r), 405);
	assert_int_equal(r.hr_body, 5);
	assert_int_equal(parse("get / HTTP/1.0\r\n\r\n", &r), 405);
	assert_int_equal(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
	assert_int_equal(parse("GET / HTTP/1.1\r\nHost: k\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 501);
	assert_int_equal(parse("GET / HTTP/1.0\r\nContent-Length: 9999999\r\n\r\n", &r), 413);
	assert_true(http_status_closes(400) && http_status_closes(413) && http_status_closes(414) &&
	            http_status_closes(431) && http_status_closes(408));
	assert_false(http_status_closes(404) || http_status_closes(405) || http_status_closes(403));
}

static void paths_never_climb_out_of_the_root(void **state)
{
	static const char *const escapes[] = {
		"/../secret", "/a/../../secret",     "/%2e%2e/secret",     "/%2E%2E/secret", "/a/%2e%2e%2fb",
		"/..",        "/a/..%2f..%2fsecret", "http://h/../secret", "/.%2e/secret",   "/%2e./secret",
	};
	char path[HTTP_PATH_MAX];
	bool slash;

	(void)state;
	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++) {
		int status = http_target_path(escapes[i], path, &slash);

		if (status != 403)
			fail_msg("\"%s\" answered %d (%s), not 403", escapes[i], status, status ? "" : path);
	}
}

static void paths_are_cleaned(void **state)
{
	char path[HTTP_PATH_MAX];
	bool slash;

	(void)state;
	assert_int_equal(http_target_path("//a///b/./c", path, &slash), 0);
	assert_string_equal(path, "/a/b/c");
	assert_false(slash);
	assert_int_equal(http_target_path("/", path, &slash), 0);
	assert_string_equal(path, "/");
	assert_true(slash);
	assert_int_equal(http_target_path("/a/.", path, &slash), 0);
	assert_string_equal(path, "/a");
	assert_true(slash);
	assert_int_equal(http_target_path("http://example.org", path, &slash), 0);
	assert_string_equal(path, "/");
	assert_int_equal(http_target_path("HTTP://example.org/x/y?q#f", path, &slash), 0);
	assert_string_equal(path, "/x/y");
	assert_int_equal(http_target_path("/a..b/...", path, &slash), 0);
	assert_string_equal(path, "/a..b/...");
	assert_int_equal(http_target_path("*", path, &slash), 400);
	assert_int_equal(http_target_path("/caf\xc3\xa9/%C3%A9", path, &slash), 0);
	assert_string_equal(path, "/caf\xc3\xa9/\xc3\xa9");
}

static void a_path_too_long_is_414(void **state)
{
	static char target[HTTP_PATH_MAX + 8];
	char path[HTTP_PATH_MAX];
	bool slash;

	(void)state;
	memset(target, 'a', sizeof(target) - 1);
	target[0] = '/';
	target[sizeof(target) - 1] = '\0';
	assert_int_equal(http_target_path(target, path, &slash), 414);
	target[HTTP_PATH_MAX - 1] = '\0';
	assert_int_equal(http_target_path(target, path, &slash), 0);
}

static void content_types_by_extension(void **state)
{
	(void)state;
	assert_string_equal(http_content_type("/www/index.html"), "text/html; charset=utf-8");
	assert_string_equal(http_content_type("/a/B.TXT"), "text/plain; charset=utf-8");
	assert_string_equal(http_content_type("/a.b/picture.png"), "image/png");
	assert_string_equal(http_content_type("/a.txt/noext"), "application/octet-stream");
	assert_string_equal(http_content_type("/www/.html"), "application/octet-stream");
	assert_string_equal(http_content_type("/x.unknown"), "application/octet-stream");
}

static void a_response_head_says_what_it_must(void **state)
{
	char buf[HTTP_RESP_HEAD_MAX];
	struct http_reply rp = { 1, "text/plain; charset=utf-8", 1234, 784111777, 0, NULL, true };
	size_t n = http_head_format(buf, sizeof(buf), 200, &rp);

	(void)state;
	assert_true(n > 0 && n == strlen(buf));
	assert_string_equal(buf, "HTTP/1.1 200 OK\r\nServer: kestrel-httpd\r\n"
	                         "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
	                         "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 1234\r\n\r\n");
	rp = (struct http_reply){ 0, NULL, 0, 0, 0, NULL, true };
	assert_true(http_head_format(buf, sizeof(buf), 404, &rp) > 0);
	assert_non_null(strstr(buf, "HTTP/1.1 404 Not Found\r\n"));
	assert_non_null(strstr(buf, "Connection: keep-alive\r\n\r\n"));
	assert_null(strstr(buf, "Date:"));
	rp = (struct http_reply){ 1, NULL, 0, 0, 0, "/dir/", false };
	assert_true(http_head_format(buf, sizeof(buf), 405, &rp) > 0);
	assert_non_null(strstr(buf, "Allow: GET, HEAD\r\n"));
	assert_non_null(strstr(buf, "Location: /dir/\r\n"));
	assert_non_null(strstr(buf, "Connection: close\r\n\r\n"));
	assert_int_equal(http_head_format(buf, 40, 200, &rp), 0);
}

static void names_are_encoded_for_links_and_html(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(http_url_encode(buf, sizeof(buf), "a b/c:d%", false), strlen("a%20b%2Fc%3Ad%25"));
	assert_string_equal(buf, "a%20b%2Fc%3Ad%25");
	assert_true(http_url_encode(buf, sizeof(buf), "/dir/x y", true) > 0);
	assert_string_equal(buf, "/dir/x%20y");
	assert_int_equal(http_url_encode(buf, 4, "abcd", false), 0);
	assert_true(http_html_escape(buf, sizeof(buf), "<b>&\"'") > 0);
	assert_string_equal(buf, "&lt;b&gt;&amp;&quot;&#39;");
	assert_int_equal(http_html_escape(buf, 5, "<<"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_head_ends_at_its_empty_line),
		cmocka_unit_test(an_overlong_line_is_414_and_an_overlong_head_431),
		cmocka_unit_test(a_get_is_read_whole),
		cmocka_unit_test(connection_decides_keep_alive),
		cmocka_unit_test(malformed_requests_are_400),
		cmocka_unit_test(other_statuses),
		cmocka_unit_test(paths_never_climb_out_of_the_root),
		cmocka_unit_test(paths_are_cleaned),
		cmocka_unit_test(a_path_too_long_is_414),
		cmocka_unit_test(content_types_by_extension),
		cmocka_unit_test(a_response_head_says_what_it_must),
		cmocka_unit_test(names_are_encoded_for_links_and_html),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
