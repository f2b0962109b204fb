/* host_features.c - the --features model: items, lookup, the verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/host_features.h"

static const char *const group_names[HF_GROUP_NR] = { "families", "attach", "kernel",
						      "privileges" };

const char *hf_group_name(enum hf_group g)
{
	return (unsigned int)g < HF_GROUP_NR ? group_names[g] : "?";
}

struct hf_item *hf_add(struct hf_report *r, enum hf_group g, const char *name, bool ok,
		       const char *fmt, ...)
{
	struct hf_item *it;
	va_list ap;

	if (r->n >= HF_MAX_ITEMS)
		return NULL;
	it = &r->item[r->n++];
	memset(it, 0, sizeof(*it));
	it->group = g;
	it->ok = ok;
	snprintf(it->name, sizeof(it->name), "%s", name);
	va_start(ap, fmt);
	vsnprintf(ok ? it->detail : it->reason, HF_TEXT_LEN, fmt, ap);
	va_end(ap);
	return it;
}

const struct hf_item *hf_find(const struct hf_report *r, enum hf_group g, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->item[i].group == g && !strcmp(r->item[i].name, name))
			return &r->item[i];
	return NULL;
}

bool hf_ready(const struct hf_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->n; i++) {
		if (!r->item[i].required)
			continue;
		if (!r->item[i].ok)
			return false;
		any = true;
	}
	return any;
}
