/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libxml2, for the OVF of OVA appliances, loaded on first use: include
 * this instead of the library's header, and call lazy_xml_load() before
 * the first call.
 */
#ifndef VMDESK_UTIL_LAZY_XML_H
#define VMDESK_UTIL_LAZY_XML_H

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "util/lazy.h"

#define LAZY_XML_SYMS(X) \
	X(xmlDocGetRootElement) \
	X(xmlFreeDoc) \
	X(xmlGetLastError) \
	X(xmlNodeGetContent) \
	X(xmlReadMemory)

LAZY_XML_SYMS(LAZY_DECLARE)
extern __typeof__(xmlFree) *lazy_xmlFree;

#ifndef LAZY_XML_SELF
#undef xmlFree
#define xmlDocGetRootElement (*lazy_xmlDocGetRootElement)
#define xmlFreeDoc (*lazy_xmlFreeDoc)
#define xmlGetLastError (*lazy_xmlGetLastError)
#define xmlNodeGetContent (*lazy_xmlNodeGetContent)
#define xmlReadMemory (*lazy_xmlReadMemory)
#define xmlFree (*lazy_xmlFree)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_xml_load(char **);

#endif
