/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcurl, for downloads, loaded on first use: include this instead of the
 * library's header, and call lazy_curl_load() before the first call.
 */
#ifndef VMDESK_UTIL_LAZY_CURL_H
#define VMDESK_UTIL_LAZY_CURL_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

#include "util/lazy.h"

#define LAZY_CURL_SYMS(X) \
	X(curl_easy_cleanup) \
	X(curl_easy_getinfo) \
	X(curl_easy_init) \
	X(curl_easy_perform) \
	X(curl_easy_setopt) \
	X(curl_easy_strerror) \
	X(curl_easy_unescape) \
	X(curl_free) \
	X(curl_global_init) \
	X(curl_slist_append) \
	X(curl_slist_free_all) \
	X(curl_url) \
	X(curl_url_cleanup) \
	X(curl_url_get) \
	X(curl_url_set)

LAZY_CURL_SYMS(LAZY_DECLARE)

#ifndef LAZY_CURL_SELF
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_cleanup (*lazy_curl_easy_cleanup)
#define curl_easy_getinfo (*lazy_curl_easy_getinfo)
#define curl_easy_init (*lazy_curl_easy_init)
#define curl_easy_perform (*lazy_curl_easy_perform)
#define curl_easy_setopt (*lazy_curl_easy_setopt)
#define curl_easy_strerror (*lazy_curl_easy_strerror)
#define curl_easy_unescape (*lazy_curl_easy_unescape)
#define curl_free (*lazy_curl_free)
#define curl_global_init (*lazy_curl_global_init)
#define curl_slist_append (*lazy_curl_slist_append)
#define curl_slist_free_all (*lazy_curl_slist_free_all)
#define curl_url (*lazy_curl_url)
#define curl_url_cleanup (*lazy_curl_url_cleanup)
#define curl_url_get (*lazy_curl_url_get)
#define curl_url_set (*lazy_curl_url_set)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_curl_load(char **);

#endif
