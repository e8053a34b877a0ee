/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libcrypto (OpenSSL), for SHA-256 and SHA-512, loaded on first use:
 * include this instead of the library's header, and call
 * lazy_crypto_load() before the first call.
 */
#ifndef VMDESK_UTIL_LAZY_CRYPTO_H
#define VMDESK_UTIL_LAZY_CRYPTO_H

#include <openssl/evp.h>

#include "util/lazy.h"

#define LAZY_CRYPTO_SYMS(X) \
	X(EVP_DigestFinal_ex) \
	X(EVP_DigestInit_ex) \
	X(EVP_DigestUpdate) \
	X(EVP_MD_CTX_free) \
	X(EVP_MD_CTX_new) \
	X(EVP_sha256) \
	X(EVP_sha512)

LAZY_CRYPTO_SYMS(LAZY_DECLARE)

#ifndef LAZY_CRYPTO_SELF
#define EVP_DigestFinal_ex (*lazy_EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (*lazy_EVP_DigestInit_ex)
#define EVP_DigestUpdate (*lazy_EVP_DigestUpdate)
#define EVP_MD_CTX_free (*lazy_EVP_MD_CTX_free)
#define EVP_MD_CTX_new (*lazy_EVP_MD_CTX_new)
#define EVP_sha256 (*lazy_EVP_sha256)
#define EVP_sha512 (*lazy_EVP_sha512)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_crypto_load(char **);

#endif
