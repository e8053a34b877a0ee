/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for images/download: checksum files, URLs, file hashing. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "images/download.h"

#define H1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define H2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define H3 "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333444455556666777788889999"

static void
test_download_checksum_gnu(void **state)
{
	char	 hex[DOWNLOAD_HASH_HEX], *cause = NULL;
	const char *text = H1 "  debian-12-genericcloud-amd64.qcow2\n"
	    H2 " *debian-12-nocloud-amd64.qcow2\r\n"
	    H3 "  ./sub/alpine.iso\n";

	assert_int_equal(download_checksum_parse(text,
	    "debian-12-genericcloud-amd64.qcow2", hex, &cause), 0);
	assert_string_equal(hex, H1);
	assert_int_equal(download_checksum_parse(text,
	    "debian-12-nocloud-amd64.qcow2", hex, &cause), 0);
	assert_string_equal(hex, H2);
	/* Uppercase comes back lowercase; a folder in the name is fine. */
	assert_int_equal(download_checksum_parse(text, "alpine.iso", hex,
	    &cause), 0);
	assert_string_equal(hex,
	    "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999");
	/* A name that is only a suffix of a listed one is not it. */
	assert_int_equal(download_checksum_parse(text, "nocloud-amd64.qcow2",
	    hex, &cause), -1);
	assert_non_null(strstr(cause,
	    "no sha256 or sha512 for nocloud-amd64.qcow2"));
	free(cause);
}

static void
test_download_checksum_bsd(void **state)
{
	char	 hex[DOWNLOAD_HASH_HEX], *cause = NULL;
	const char *text = "-----BEGIN PGP SIGNED MESSAGE-----\n"
	    "Hash: SHA256\n\n"
	    "# Fedora-Cloud-41-1.4-x86_64-CHECKSUM\n"
	    "SHA512 (Fedora.qcow2) = " H1 H1 "\n"
	    "SHA256 (Fedora-Cloud-Base-41.qcow2) = " H2 "\n"
	    "SHA256 (FreeBSD 14 (amd64).raw.xz) = " H1 "\n"
	    "-----BEGIN PGP SIGNATURE-----\n";

	assert_int_equal(download_checksum_parse(text,
	    "Fedora-Cloud-Base-41.qcow2", hex, &cause), 0);
	assert_string_equal(hex, H2);
	/* Parentheses inside the name. */
	assert_int_equal(download_checksum_parse(text,
	    "FreeBSD 14 (amd64).raw.xz", hex, &cause), 0);
	assert_string_equal(hex, H1);
	/* A SHA512 line gives the sha512. */
	assert_int_equal(download_checksum_parse(text, "Fedora.qcow2", hex,
	    &cause), 0);
	assert_string_equal(hex, H1 H1);
	/* Not listed, in a file of several. */
	assert_int_equal(download_checksum_parse(text, "other.qcow2", hex,
	    &cause), -1);
	free(cause);
}

/* Debian's SHA512SUMS; a file of one entry naming the dated build. */
static void
test_download_checksum_sha512_and_single(void **state)
{
	char	 hex[DOWNLOAD_HASH_HEX], *cause = NULL;

	assert_int_equal(download_checksum_parse(H1 H2 "  debian-12-generic-"
	    "amd64.qcow2\n" H2 H1 "  debian-12-genericcloud-amd64.qcow2\n",
	    "debian-12-generic-amd64.qcow2", hex, &cause), 0);
	assert_string_equal(hex, H1 H2);
	/* openSUSE's "latest" link: its file names the dated image. */
	assert_int_equal(download_checksum_parse(H3 "  Leap-16.0-Minimal-VM."
	    "x86_64-Cloud-16.0.0-Build1.1.qcow2\n", "Leap-16.0-Minimal-VM."
	    "x86_64-Cloud.qcow2", hex, &cause), 0);
	assert_string_equal(hex,
	    "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999");
	/* A hash of 100 digits is neither. */
	assert_int_equal(download_checksum_parse(H1 "0123456789012345678901"
	    "234567890123456789  a.iso\n", "a.iso", hex, &cause), -1);
	free(cause);
}

static void
test_download_checksum_lone(void **state)
{
	char	 hex[DOWNLOAD_HASH_HEX], *cause = NULL;

	/* foo.iso.sha256 holding only the hash. */
	assert_int_equal(download_checksum_parse(H2 "\n", "foo.iso", hex,
	    &cause), 0);
	assert_string_equal(hex, H2);
	/* Two lone hashes: which one? Neither. */
	assert_int_equal(download_checksum_parse(H1 "\n" H2 "\n", "foo.iso",
	    hex, &cause), -1);
	free(cause);
	cause = NULL;
	/* Garbage, a short hash, an empty file. */
	assert_int_equal(download_checksum_parse("<html>404</html>",
	    "foo.iso", hex, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(download_checksum_parse("0123abc  foo.iso\n",
	    "foo.iso", hex, &cause), -1);
	free(cause);
	cause = NULL;
	assert_int_equal(download_checksum_parse("", "foo.iso", hex, &cause),
	    -1);
	free(cause);
}

static void
test_download_urls(void **state)
{
	char	*s;

	s = download_url_name("https://cdimage.debian.org/x/debian-12.qcow2");
	assert_string_equal(s, "debian-12.qcow2");
	free(s);
	s = download_url_name("http://h/a/b%20c.iso?x=1#frag");
	assert_string_equal(s, "b c.iso");
	free(s);
	s = download_url("/tmp/a b%.img");
	assert_string_equal(s, "file:///tmp/a%20b%25.img");
	free(s);
	s = download_url("http://h/x");
	assert_string_equal(s, "http://h/x");
	free(s);
	assert_true(download_sha256_valid(H1));
	assert_true(download_sha256_valid(H3));
	assert_false(download_sha256_valid("0123"));
	assert_false(download_sha256_valid(H1 "0"));
}

static void
test_download_sha256_file(void **state)
{
	char	 path[] = "/tmp/vmdesk-test-sha.XXXXXX";
	char	 hex[DOWNLOAD_HASH_HEX], *cause = NULL;
	int	 fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(download_sha256_file(path, hex, &cause), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_int_equal(download_sha256_file(path, hex, &cause), -1);
	assert_non_null(strstr(cause, "No such file"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_download_checksum_gnu),
		cmocka_unit_test(test_download_checksum_bsd),
		cmocka_unit_test(test_download_checksum_sha512_and_single),
		cmocka_unit_test(test_download_checksum_lone),
		cmocka_unit_test(test_download_urls),
		cmocka_unit_test(test_download_sha256_file),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
