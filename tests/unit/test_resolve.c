/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for images/resolve: each index parser on the layout its
 * distribution publishes (read from tests/data/indexes), hostile names
 * dropped, the version sort, joining names to the index's URL, and a
 * template's source without an index (its pin).
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "images/resolve.h"
#include "util/fsutil.h"
#include "util/xmalloc.h"

/* A fixture index of tests/data/indexes. Caller frees. */
static char *
fixture(const char *rel)
{
	const char	*dir = getenv("VMDESK_TEST_DATA");
	char		*path, *text, *cause = NULL;

	if (dir == NULL)
		fail_msg("VMDESK_TEST_DATA is not set");
	path = xasprintf("%s/indexes/%s", dir, rel);
	if ((text = fs_read_file(path, NULL, &cause)) == NULL)
		fail_msg("%s", cause);
	free(path);
	return (text);
}

/* Parse a fixture; the newest entry's path (or NULL), and the count. */
static const struct resolve_entry *
parse(enum template_index f, const char *rel, const char *pattern,
    struct resolve_list *l)
{
	char	*text, *cause = NULL;

	text = fixture(rel);
	if (resolve_parse(f, text, pattern, l, &cause) != 0)
		fail_msg("%s", cause);
	free(text);
	return (resolve_newest(l));
}

static void
test_resolve_vercmp(void **state)
{
	(void)state;
	assert_true(resolve_vercmp("alpine-3.10.0", "alpine-3.9.5") > 0);
	assert_true(resolve_vercmp("alpine-3.22.1", "alpine-3.22.10") < 0);
	assert_true(resolve_vercmp("44-1.10", "44-1.9") > 0);
	assert_true(resolve_vercmp("install78.iso", "install8.iso") > 0);
	assert_true(resolve_vercmp("a-007", "a-7") == 0);
	assert_true(resolve_vercmp("a-1", "a-1b") < 0);
	assert_true(resolve_vercmp("20250202", "20240314") > 0);
	assert_true(resolve_vercmp("x", "x") == 0);
}

static void
test_resolve_html(void **state)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;
	size_t				 i;

	(void)state;
	e = parse(TEMPLATE_INDEX_HTML, "void/live/current/index.html",
	    "void-live-x86_64-[0-9]*-base.iso", &l);
	assert_non_null(e);
	assert_string_equal(e->path, "void-live-x86_64-20250202-base.iso");
	assert_null(e->hash);
	/* The two dated base ISOs; no hostile href survives. */
	assert_int_equal(l.n, 2);
	for (i = 0; i < l.n; i++)
		assert_null(strstr(l.v[i].path, "2999"));
	resolve_list_clear(&l);
}

static void
test_resolve_sums_gnu(void **state)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;

	(void)state;
	e = parse(TEMPLATE_INDEX_SUMS,
	    "ubuntu/releases/24.04/release/SHA256SUMS",
	    "ubuntu-*-server-cloudimg-arm64.img", &l);
	assert_non_null(e);
	assert_int_equal(l.n, 1);
	assert_string_equal(e->path, "ubuntu-24.04-server-cloudimg-arm64.img");
	assert_int_equal(strlen(e->hash), 64);
	resolve_list_clear(&l);
}

static void
test_resolve_sums_bsd(void **state)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;

	(void)state;
	/* Fedora's CHECKSUM: comments and a PGP armour around BSD lines. */
	e = parse(TEMPLATE_INDEX_SUMS, "fedora/releases/44/Cloud/x86_64/images/"
	    "Fedora-Cloud-44-1.7-x86_64-CHECKSUM", "Fedora-Cloud-Base-*", &l);
	assert_int_equal(l.n, 6);
	assert_non_null(e);
	resolve_list_clear(&l);
	e = parse(TEMPLATE_INDEX_SUMS, "void/live/current/sha256sum.txt",
	    "void-live-x86_64-20250202-base.iso", &l);
	assert_int_equal(l.n, 1);
	assert_non_null(e->hash);
	assert_int_equal(strlen(e->hash), 64);
	resolve_list_clear(&l);
}

static void
test_resolve_json(void **state)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;

	(void)state;
	e = parse(TEMPLATE_INDEX_JSON, "fedora/releases.json.in",
	    "Fedora-Cloud-Base-Generic-[0-9][0-9]-*.x86_64.qcow2", &l);
	assert_non_null(e);
	/* 44, 43, the other host's 99 and the "../" 98; never 45_Beta. */
	assert_int_equal(l.n, 4);
	assert_non_null(strstr(e->path, "-99-"));
	assert_null(resolve_join("https://fedoraproject.org/releases.json",
	    e->path, "download.fedoraproject.org"));
	assert_string_equal(e->version, "99");
	assert_int_equal(strlen(e->hash), 64);
	resolve_list_clear(&l);
}

static void
test_resolve_json_bad(void **state)
{
	struct resolve_list	 l;
	char			*cause = NULL;

	(void)state;
	assert_int_equal(resolve_parse(TEMPLATE_INDEX_JSON, "[{\"link\": ",
	    "*", &l, &cause), -1);
	assert_non_null(strstr(cause, "not a JSON feed"));
	free(cause);
	resolve_list_clear(&l);
}

static void
test_resolve_yaml(void **state)
{
	const struct resolve_entry	*e;
	struct resolve_list		 l;
	const char			*text =
	    "---\n-\n  title: \"Virtual\"\n"
	    "  file: alpine-virt-3.9.6-x86_64.iso\n"
	    "  sha256: 'AA" "00000000000000000000000000000000000000000000000000"
	    "000000000000'\n  version: 3.9.6\x1b]0;x\n"
	    "- file: alpine-virt-3.10.2-x86_64.iso\n  version: 3.10.2\n"
	    "-\n  file: ../alpine-virt-9.0.0-x86_64.iso\n";
	char				*cause = NULL;

	(void)state;
	e = parse(TEMPLATE_INDEX_YAML, "alpine/latest-stable/releases/x86_64/"
	    "latest-releases.yaml", "alpine-virt-*-x86_64.iso", &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(e->path, "alpine-virt-3.22.2-x86_64.iso");
	assert_string_equal(e->version, "3.22.2");
	resolve_list_clear(&l);
	/* Version order, not lexical; quotes stripped; "../" kept out. */
	assert_int_equal(resolve_parse(TEMPLATE_INDEX_YAML, text,
	    "alpine-virt-*-x86_64.iso", &l, &cause), 0);
	assert_int_equal(l.n, 3);
	e = resolve_newest(&l);
	assert_string_equal(e->path, "alpine-virt-3.10.2-x86_64.iso");
	assert_null(resolve_join("https://dl-cdn.alpinelinux.org/a/b.yaml",
	    "../alpine-virt-9.0.0-x86_64.iso", NULL));
	assert_string_equal(l.v[0].hash, "aa00000000000000000000000000000000"
	    "000000000000000000000000000000");
	assert_null(l.v[1].hash);
	/* A version a terminal would act on is none. */
	assert_null(l.v[0].version);
	assert_string_equal(l.v[1].version, "3.10.2");
	resolve_list_clear(&l);
}

static void
test_resolve_join(void **state)
{
	char	*u;

	(void)state;
	u = resolve_join("https://h.example/a/b/SHA256SUMS", "x.iso", NULL);
	assert_string_equal(u, "https://h.example/a/b/x.iso");
	free(u);
	u = resolve_join("https://h.example/a/b/", "c/x.iso", NULL);
	assert_string_equal(u, "https://h.example/a/b/c/x.iso");
	free(u);
	/* Simplestreams: paths from the folder holding streams/. */
	u = resolve_join("https://h.example/releases/streams/v1/i.json",
	    "server/x.img", NULL);
	assert_string_equal(u, "https://h.example/releases/server/x.img");
	free(u);
	u = resolve_join("https://a.example/r.json",
	    "https://b.example/pub/x.iso", "b.example");
	assert_string_equal(u, "https://b.example/pub/x.iso");
	free(u);
	assert_null(resolve_join("https://a.example/r.json",
	    "https://b.example/pub/x.iso", NULL));
	assert_null(resolve_join("https://a.example/r.json",
	    "http://b.example/pub/x.iso", "b.example"));
	assert_null(resolve_join("https://a.example/d/", "/etc/x.iso", NULL));
	assert_null(resolve_join("https://a.example/d/", "a/../x.iso", NULL));
	assert_null(resolve_join("https://a.example/d/", "a//x.iso", NULL));
	assert_null(resolve_join("https://a.example/d/", "x.iso?y", NULL));
	assert_null(resolve_join("https://a.example/d/", ".hidden", NULL));
	assert_null(resolve_join("https://a.example/d/", "x%2f.iso", NULL));
}

static void
test_resolve_pin(void **state)
{
	struct template_source	 s;
	struct resolve_result	 r;
	char			*cause = NULL;

	(void)state;
	memset(&s, 0, sizeof s);
	s.url = (char *)"https://h.example/d/x-1.iso";
	s.checksum_url = (char *)"https://h.example/d/SHA256SUMS";
	assert_int_equal(resolve_source(NULL, &s, 0, &r, &cause), 0);
	assert_true(r.pinned);
	assert_null(r.note);
	assert_string_equal(r.url, s.url);
	assert_string_equal(r.name, "x-1.iso");
	assert_string_equal(r.checksum_url, s.checksum_url);
	resolve_result_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_vercmp),
		cmocka_unit_test(test_resolve_html),
		cmocka_unit_test(test_resolve_sums_gnu),
		cmocka_unit_test(test_resolve_sums_bsd),
		cmocka_unit_test(test_resolve_json),
		cmocka_unit_test(test_resolve_json_bad),
		cmocka_unit_test(test_resolve_yaml),
		cmocka_unit_test(test_resolve_join),
		cmocka_unit_test(test_resolve_pin),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
