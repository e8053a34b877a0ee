/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Libcurl, for downloads, loaded on first use. */
#include "config.h"

#define LAZY_CURL_SELF
#include "util/lazy_curl.h"

LAZY_CURL_SYMS(LAZY_DEFINE)

static const struct lazy_sym lazy_curl_syms[] = {
	LAZY_CURL_SYMS(LAZY_ENTRY)
};

static struct lazy_lib lazy_curl_lib = {
	LAZY_SONAME_CURL, "libcurl4",
	"downloads", lazy_curl_syms,
	sizeof lazy_curl_syms / sizeof lazy_curl_syms[0], NULL
};

int
lazy_curl_load(char **cause)
{
	return (lazy_load(&lazy_curl_lib, cause));
}
