/*
 * rec_format.c - recording framing: file header, records (length, CRC,
 * optional deflate), the META and END payloads, and the whole-buffer walk.
 * The TICK and SAMPLES payloads are in rec_tick.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/rec_format.h"
#include "core/rec_varint.h"

void rec_buf_free(struct rec_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int rec_buf_reserve(struct rec_buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	uint8_t *p;

	if (n > SIZE_MAX / 2 - b->len)
		return -ENOMEM;
	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int rec_encode_file_header(struct rec_buf *out)
{
	uint8_t h[REC_FILE_HDR_LEN] = REC_MAGIC;

	h[REC_MAGIC_LEN] = REC_FORMAT_VERSION & 0xff;
	h[REC_MAGIC_LEN + 1] = REC_FORMAT_VERSION >> 8;
	return rec_put_bytes(out, h, sizeof(h));
}

int rec_decode_file_header(const uint8_t *p, size_t n, struct rec_error *e)
{
	unsigned int version;

	if (n == 0)
		return rec_fail_at(e, 0, -EPROTO, "empty file, not a lattop recording");
	if (memcmp(p, REC_MAGIC, n < REC_MAGIC_LEN ? n : REC_MAGIC_LEN))
		return rec_fail_at(e, 0, -EINVAL, "not a lattop recording (no LATTOPREC magic)");
	if (n < REC_FILE_HDR_LEN)
		return rec_fail_at(e, n, -EPROTO, "truncated inside the file header");
	version = p[REC_MAGIC_LEN] | (unsigned int)p[REC_MAGIC_LEN + 1] << 8;
	if (version == 0)
		return rec_fail_at(e, REC_MAGIC_LEN, -EINVAL, "bad format version 0");
	if (version > REC_FORMAT_VERSION)
		return rec_fail_at(e, REC_MAGIC_LEN, -ENOTSUP,
				   "format version %u is newer than this lattop reads (%u): "
				   "use a newer lattop", version, REC_FORMAT_VERSION);
	return 0;
}

int rec_encode_record(struct rec_buf *out, enum rec_type type, const uint8_t *payload,
		      size_t len, bool deflate)
{
	return rec_encode_record_flags(out, type, 0, payload, len, deflate);
}

int rec_encode_record_flags(struct rec_buf *out, enum rec_type type, uint8_t extra_flags,
			    const uint8_t *payload, size_t len, bool deflate)
{
	size_t start = out->len, stored = len;
	uint8_t flags = extra_flags & REC_FLAGS_DELTA_NOW;
	uint8_t *h;
	uLong crc;

	if (len > REC_MAX_PAYLOAD)
		return -E2BIG;
	if (rec_buf_reserve(out, REC_HDR_LEN + compressBound(len) + REC_CRC_LEN))
		return -ENOMEM;
	if (deflate && len > 64) {
		uLongf dlen = compressBound(len);

		if (compress2(out->data + start + REC_HDR_LEN, &dlen, payload, len, 6) == Z_OK &&
		    dlen < len) {
			stored = dlen;
			flags |= REC_FLAG_DEFLATE;
		}
	}
	if (!(flags & REC_FLAG_DEFLATE) && len)
		memcpy(out->data + start + REC_HDR_LEN, payload, len);
	h = out->data + start;
	h[0] = (uint8_t)type;
	h[1] = flags;
	h[2] = h[3] = 0;
	put_le32(h + 4, (uint32_t)stored);
	put_le32(h + 8, (uint32_t)len);
	crc = crc32(0, h, (uInt)(REC_HDR_LEN + stored));
	put_le32(h + REC_HDR_LEN + stored, (uint32_t)crc);
	out->len = start + REC_HDR_LEN + stored + REC_CRC_LEN;
	return 0;
}

int rec_decode_hdr(const uint8_t *p, size_t n, struct rec_hdr *h, struct rec_error *e)
{
	if (n < REC_HDR_LEN)
		return rec_fail_at(e, n, -EPROTO, "truncated inside a record header");
	h->type = p[0];
	h->flags = p[1];
	h->stored_len = get_le32(p + 4);
	h->raw_len = get_le32(p + 8);
	if (h->type < REC_META || h->type > REC_END)
		return rec_fail_at(e, 0, -EINVAL, "unknown record type %u (corrupted?)", h->type);
	if (h->flags & ~(REC_FLAG_DEFLATE | REC_FLAGS_DELTA_NOW) || p[2] || p[3] ||
	    ((h->flags & REC_FLAG_DELTA) && h->type != REC_TICK) ||
	    ((h->flags & REC_FLAG_COLS) && !(h->flags & REC_FLAG_DELTA)) ||
	    ((h->flags & REC_FLAG_COLS6) && !(h->flags & REC_FLAG_COLS)))
		return rec_fail_at(e, 1, -EINVAL, "bad record flags (corrupted?)");
	if (h->stored_len > REC_MAX_PAYLOAD || h->raw_len > REC_MAX_PAYLOAD)
		return rec_fail_at(e, 4, -EINVAL, "record length %u too large (corrupted?)",
				   h->stored_len > h->raw_len ? h->stored_len : h->raw_len);
	if (!(h->flags & REC_FLAG_DEFLATE) && h->stored_len != h->raw_len)
		return rec_fail_at(e, 8, -EINVAL, "record lengths disagree (corrupted?)");
	return 0;
}

int rec_decode_payload(const uint8_t *p, const struct rec_hdr *h, struct rec_buf *scratch,
		       const uint8_t **payload, size_t *len, struct rec_error *e)
{
	uint32_t want = get_le32(p + REC_HDR_LEN + h->stored_len);
	uLongf dlen = h->raw_len;

	if ((uint32_t)crc32(0, p, (uInt)(REC_HDR_LEN + h->stored_len)) != want)
		return rec_fail_at(e, REC_HDR_LEN + h->stored_len, -EINVAL,
				   "CRC mismatch: the record is corrupted");
	if (!(h->flags & REC_FLAG_DEFLATE)) {
		*payload = p + REC_HDR_LEN;
		*len = h->stored_len;
		return 0;
	}
	scratch->len = 0;
	if (rec_buf_reserve(scratch, h->raw_len ? h->raw_len : 1))
		return rec_fail_at(e, 0, -ENOMEM, "out of memory");
	if (uncompress(scratch->data, &dlen, p + REC_HDR_LEN, h->stored_len) != Z_OK ||
	    dlen != h->raw_len)
		return rec_fail_at(e, REC_HDR_LEN, -EINVAL, "compressed payload does not inflate");
	scratch->len = dlen;
	*payload = scratch->data;
	*len = dlen;
	return 0;
}

/* --- META ---------------------------------------------------------------- */

static bool key_ok(const char *k, size_t n)
{
	if (!n || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return false;
	return true;
}

int rec_meta_set(struct rec_meta *m, const char *key, const char *val)
{
	char *k, *v;

	if (m->n == REC_META_MAX)
		return -E2BIG;
	k = strdup(key);
	v = strdup(val ? val : "");
	if (!k || !v) {
		free(k);
		free(v);
		return -ENOMEM;
	}
	m->key[m->n] = k;
	m->val[m->n++] = v;
	return 0;
}

void rec_meta_free(struct rec_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->key[i]);
		free(m->val[i]);
	}
	m->n = 0;
}

const char *rec_meta_get(const struct rec_meta *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->key[i], key))
			return m->val[i];
	return NULL;
}

int rec_encode_meta(struct rec_buf *out, const struct rec_meta *m)
{
	for (size_t i = 0; i < m->n; i++) {
		size_t start;

		if (!key_ok(m->key[i], strlen(m->key[i])))
			return -EINVAL;
		if (rec_put_bytes(out, m->key[i], strlen(m->key[i])) || rec_put_bytes(out, "=", 1))
			return -ENOMEM;
		start = out->len;
		if (rec_put_bytes(out, m->val[i], strlen(m->val[i])) || rec_put_bytes(out, "\n", 1))
			return -ENOMEM;
		for (size_t j = start; j + 1 < out->len; j++)
			if (out->data[j] == '\n')
				out->data[j] = '?';
	}
	return 0;
}

/* The histogram layout must be ours: slot i means the same latency range. */
static int meta_check(const struct rec_meta *m, struct rec_error *e)
{
	static const struct { const char *key; long want; } need[] = {
		{ "hist_sub_bits", ABI_HIST_SUB_BITS },
		{ "hist_max_pow", ABI_HIST_MAX_POW },
		{ "hist_slots", ABI_HIST_SLOTS },
	};
	const char *v = rec_meta_get(m, "format");

	if (!v)
		return rec_fail_at(e, 0, -EINVAL, "header has no format key");
	if (strtol(v, NULL, 10) > REC_FORMAT_VERSION)
		return rec_fail_at(e, 0, -ENOTSUP, "format %s is newer than this lattop reads (%d): "
				   "use a newer lattop", v, REC_FORMAT_VERSION);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		v = rec_meta_get(m, need[i].key);
		if (!v || strtol(v, NULL, 10) != need[i].want)
			return rec_fail_at(e, 0, -ENOTSUP, "histogram layout %s=%s, this lattop has %ld",
					   need[i].key, v ? v : "(missing)", need[i].want);
	}
	return 0;
}

int rec_decode_meta(const uint8_t *p, size_t n, struct rec_meta *m, struct rec_error *e)
{
	size_t off = 0;
	int ret = 0;

	memset(m, 0, sizeof(*m));
	while (!ret && off < n) {
		const uint8_t *nl = memchr(p + off, '\n', n - off);
		const uint8_t *eq;
		size_t len;
		char *k, *v;

		if (!nl) {
			ret = rec_fail_at(e, off, -EINVAL, "header line without newline");
			break;
		}
		len = (size_t)(nl - (p + off));
		eq = memchr(p + off, '=', len);
		if (!eq || !key_ok((const char *)p + off, (size_t)(eq - (p + off))) ||
		    memchr(p + off, '\0', len)) {
			ret = rec_fail_at(e, off, -EINVAL, "bad header line");
			break;
		}
		if (m->n == REC_META_MAX) {
			ret = rec_fail_at(e, off, -EINVAL, "too many header lines");
			break;
		}
		k = strndup((const char *)p + off, (size_t)(eq - (p + off)));
		v = strndup((const char *)eq + 1, (size_t)(nl - eq - 1));
		if (!k || !v) {
			free(k);
			free(v);
			ret = rec_fail_at(e, off, -ENOMEM, "out of memory");
			break;
		}
		m->key[m->n] = k;
		m->val[m->n++] = v;
		off += len + 1;
	}
	if (!ret)
		ret = meta_check(m, e);
	if (ret)
		rec_meta_free(m);
	return ret;
}

/* --- END ----------------------------------------------------------------- */

int rec_encode_end(struct rec_buf *out, uint64_t ticks, uint64_t samples)
{
	return rec_put_u64(out, ticks) || rec_put_u64(out, samples) ? -ENOMEM : 0;
}

int rec_decode_end(const uint8_t *p, size_t n, uint64_t *ticks, uint64_t *samples,
		   struct rec_error *e)
{
	struct rec_cur c = { .p = p, .n = n, .e = e };
	int ret;

	ret = rec_get_u64(&c, ticks);
	if (!ret)
		ret = rec_get_u64(&c, samples);
	if (!ret && c.off != n)
		ret = rec_fail_at(e, c.off, -EINVAL, "trailing bytes in the END record");
	return ret;
}

/* --- whole buffer -------------------------------------------------------- */

int rec_payload_error_at(struct rec_error *e, uint64_t rec_off, const struct rec_hdr *h, int ret)
{
	/* Inside a deflated payload there is no file offset: name the record. */
	if (ret && e)
		e->offset = h->flags & REC_FLAG_DEFLATE ? rec_off : rec_off + REC_HDR_LEN + e->offset;
	return ret;
}

/* Offsets in @e become relative to the whole buffer. */
static int at(struct rec_error *e, uint64_t base, int ret)
{
	if (ret && e)
		e->offset += base;
	return ret;
}

int rec_decode_buffer(const uint8_t *p, size_t n, int (*on_tick)(void *ctx,
		      const struct snapshot *s), void *ctx, struct rec_error *e)
{
	struct rec_buf scratch = { 0 };
	struct abi_client_event *ev = NULL;
	size_t off = REC_FILE_HDR_LEN, cap = 0, n_ev;
	uint64_t ticks = 0, samples = 0, end_ticks, end_samples;
	struct snapshot s;
	struct rec_meta m;
	struct snapshot prev;
	bool have_meta = false, have_end = false, have_prev = false;
	int ret = rec_decode_file_header(p, n, e);

	snapshot_init(&s);
	snapshot_init(&prev);
	while (!ret && off < n) {
		struct rec_hdr h;
		const uint8_t *pl;
		size_t len;
		int64_t m2r;

		ret = at(e, off, rec_decode_hdr(p + off, n - off, &h, e));
		if (ret)
			break;
		if (n - off < REC_HDR_LEN + (size_t)h.stored_len + REC_CRC_LEN) {
			ret = rec_fail_at(e, n, -EPROTO, "truncated inside a record");
			break;
		}
		ret = at(e, off, rec_decode_payload(p + off, &h, &scratch, &pl, &len, e));
		if (ret)
			break;
		if (have_end) {
			ret = rec_fail_at(e, off, -EINVAL, "data after the END record");
			break;
		}
		if (!have_meta && h.type != REC_META) {
			ret = rec_fail_at(e, off, -EINVAL, "first record is not the header");
			break;
		}
		switch (h.type) {
		case REC_META:
			if (have_meta) {
				ret = rec_fail_at(e, off, -EINVAL, "second header record");
				break;
			}
			ret = rec_payload_error_at(e, off, &h, rec_decode_meta(pl, len, &m, e));
			if (!ret)
				rec_meta_free(&m);
			have_meta = true;
			break;
		case REC_TICK:
			if (h.flags & REC_FLAG_DELTA) {
				/* against the tick before: decode into the other buffer */
				struct snapshot t = prev;

				prev = s;
				s = t;
				ret = have_prev ? rec_decode_tick_delta_flags(pl, len, &prev, &s, e,
									      h.flags) :
				      rec_fail_at(e, 0, -EINVAL, "delta tick without a keyframe before it");
			} else {
				ret = rec_decode_tick(pl, len, &s, e);
			}
			ret = rec_payload_error_at(e, off, &h, ret);
			have_prev = !ret;
			ticks++;
			if (!ret && on_tick)
				ret = on_tick(ctx, &s);
			break;
		case REC_SAMPLES:
			ret = rec_payload_error_at(e, off, &h,
				 rec_decode_samples(pl, len, &ev, &cap, &n_ev, &m2r, e));
			samples += n_ev;
			break;
		case REC_END:
			ret = rec_payload_error_at(e, off, &h,
				 rec_decode_end(pl, len, &end_ticks, &end_samples, e));
			if (!ret && (end_ticks != ticks || end_samples != samples))
				ret = rec_fail_at(e, off, -EINVAL,
						  "END record counts %llu ticks, the file has %llu",
						  (unsigned long long)end_ticks,
						  (unsigned long long)ticks);
			have_end = true;
			break;
		}
		off += REC_HDR_LEN + h.stored_len + REC_CRC_LEN;
	}
	if (!ret && !have_end)
		ret = rec_fail_at(e, n, -EPROTO, "truncated: no END record (recording cut short?)");
	snapshot_free(&s);
	snapshot_free(&prev);
	free(ev);
	rec_buf_free(&scratch);
	return ret;
}
