/* features_fmt.c - the --features report as text and as JSON. */
#include <errno.h>
#include <string.h>

#include "core/sanitize.h"
#include "export/features_fmt.h"
#include "export/json.h"

#define CLEAN_LEN (HF_TEXT_LEN * 2)

static const char *clean(char *buf, const char *s)
{
	sanitize_text(buf, CLEAN_LEN, s, strlen(s));
	return buf;
}

/* The first required item that does not work, or NULL. */
static const struct hf_item *first_missing(const struct hf_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->item[i].required && !r->item[i].ok)
			return &r->item[i];
	return NULL;
}

int features_write_text(FILE *f, const struct hf_report *r)
{
	const struct hf_item *miss = first_missing(r);
	char a[CLEAN_LEN], b[CLEAN_LEN], c[CLEAN_LEN];

	fprintf(f, "lattop %s on %s, kernel %s: ", clean(a, r->version), clean(b, r->host),
		clean(c, r->kernel));
	if (hf_ready(r))
		fprintf(f, "ready (every required probe family works)\n");
	else if (miss)
		fprintf(f, "NOT READY: %s: %s\n", miss->name, clean(a, miss->reason));
	else
		fprintf(f, "NOT READY: no required probe family was probed\n");
	for (int g = 0; g < HF_GROUP_NR; g++) {
		fprintf(f, "%s:\n", hf_group_name((enum hf_group)g));
		for (size_t i = 0; i < r->n; i++) {
			const struct hf_item *it = &r->item[i];
			const char *text = it->ok ? it->detail : it->reason;

			if (it->group != (enum hf_group)g)
				continue;
			fprintf(f, "  %-18s %-3s %s%s%s%s\n", it->name, it->ok ? "ok" : "no",
				it->required ? "(required) " : "", clean(b, it->path),
				it->path[0] ? ": " : "", clean(a, text));
		}
	}
	return ferror(f) ? -EIO : 0;
}

static void json_str(FILE *f, const char *s)
{
	json_write_string(f, s, strlen(s));
}

static void json_item(FILE *f, const struct hf_item *it)
{
	json_str(f, it->name);
	fprintf(f, ":{\"ok\":%s,\"required\":%s,\"%s\":", it->ok ? "true" : "false",
		it->required ? "true" : "false", it->ok ? "detail" : "reason");
	json_str(f, it->ok ? it->detail : it->reason);
	if (it->path[0]) {
		fputs(",\"path\":", f);
		json_str(f, it->path);
	}
	fputc('}', f);
}

int features_write_json(FILE *f, const struct hf_report *r)
{
	fputs("{\"lattop_version\":", f);
	json_str(f, r->version);
	fputs(",\"host\":", f);
	json_str(f, r->host);
	fputs(",\"kernel_release\":", f);
	json_str(f, r->kernel);
	fprintf(f, ",\"ready\":%s", hf_ready(r) ? "true" : "false");
	for (int g = 0; g < HF_GROUP_NR; g++) {
		bool first = true;

		fputc(',', f);
		json_str(f, hf_group_name((enum hf_group)g));
		fputs(":{", f);
		for (size_t i = 0; i < r->n; i++) {
			if (r->item[i].group != (enum hf_group)g)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			json_item(f, &r->item[i]);
		}
		fputc('}', f);
	}
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}
