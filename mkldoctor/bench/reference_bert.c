/* reference_bert.c: a BERT encoder forward pass, built and driven by `mkldoctor bench`.
 *
 * The shape is sentence-transformers/all-MiniLM-L6-v2's unless the weight file says
 * otherwise (6 layers, hidden 384, 12 heads, FFN 1536, GELU (erf), LayerNorm);
 * batch 1, no padding, token type 0. The matrix products go through one of three
 * engines in this one program:
 *
 *   f32    cblas_sgemm (and cblas_sgemm_batch_strided for the attention heads, MKL 2020+)
 *   f16    hgemm_, the symbol MKL 2020.x lacks; compiled only with -DBENCH_F16 so a
 *          build without it still links against such an MKL
 *   naive  no BLAS at all: a blocked loop, the "without MKL" baseline
 *
 * Everything else (embeddings, softmax, GELU, LayerNorm) is the same code for all
 * three, vectorised with AVX2/FMA intrinsics where the compiler targets them.
 *
 * Protocol: options on the command line, one JSON object per line on stdout,
 * one "bert_bench: ..." line on stderr and exit status 2 on any error.
 *
 *   bert_bench --info
 *   bert_bench (--weights FILE | --random SEED --shape L,H,NH,F,V,P,TV)
 *              --ids FILE --engine f32|f16|naive [--threads N]
 *              [--out FILE] [--time WARMUP,RUNS] [--peak RUNS] [--save-weights FILE]
 *              [--matmul-only] [--cpu-stat FILE]
 *
 * --out writes one forward's output; --time runs WARMUP forwards, then times RUNS;
 * --peak times a 1024^3 sgemm RUNS times (and hgemm with --engine f16); --matmul-only
 * times the matrix products of the forward alone (its floor; no output).
 * --threads 0 leaves the thread count to MKL and OpenMP (no mkl_set_num_threads, no
 * omp_set_num_threads: what a program that never asks runs with); the timing event says
 * how many MKL used. --cpu-stat names a cgroup's cpu.stat: its numbers just before and
 * just after the timed passes go into the timing event (the throttling they caused).
 *
 * Weight file ("MKLDBRT1"): 8 magic bytes, 8 little-endian int32 (layers, hidden,
 * heads, ffn, vocab, positions, type_vocab, 0), a float64 LayerNorm eps, then float32
 * tensors in this order, PyTorch layouts ([out, in] for linear weights):
 *   word[V,H] pos[P,H] type[TV,H] emb_ln_g[H] emb_ln_b[H]
 *   per layer: q_w q_b k_w k_b v_w v_b o_w o_b ln1_g ln1_b i_w[F,H] i_b[F]
 *              out_w[H,F] out_b[H] ln2_g ln2_b
 * --out FILE receives the last hidden state [T,H] then the mean-pooled embedding [H],
 * float32.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#include <mkl.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define MAGIC "MKLDBRT1"
#define MAYBE_UNUSED __attribute__((unused)) /* the f16 helpers, in a build without -DBENCH_F16 */
#define ALIGN 64

#if defined(__AVX2__) && defined(__FMA__)
#define HAVE_AVX2 1
#endif

/* ---------------------------------------------------------------------------------- */

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bert_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* Zeroed, 64-byte aligned memory; buffers of 2 MiB and more are 2 MiB aligned and asked
   to live in transparent huge pages (where THP is "madvise"): the weights stream through
   the GEMMs every forward, and 4 KiB pages cost TLB misses there */
static void *xalloc(size_t bytes) {
    const size_t huge = (size_t)2 << 20;
    size_t align = bytes >= huge ? huge : ALIGN;
    size_t rounded = (bytes + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded ? rounded : align);
    if (!p) die("out of memory (%zu bytes)", bytes);
#ifdef MADV_HUGEPAGE
    if (align == huge && !getenv("BENCH_NO_HUGEPAGES")) madvise(p, rounded, MADV_HUGEPAGE);
#endif
    memset(p, 0, rounded ? rounded : align);
    return p;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* -- the model --------------------------------------------------------------------- */

typedef struct {
    int layers, hidden, heads, ffn, vocab, positions, type_vocab;
    double eps;
} Shape;

typedef struct {
    int out, in;
    float *w;                /* [out, in], as PyTorch stores it */
    float *b;                /* [out] */
    float *wt;               /* naive engine: [in, out] */
    unsigned short *w16;     /* f16 engine: [out, in] in IEEE half */
} Linear;

typedef struct {
    Linear qkv, o, i, out;   /* qkv: query, key, value stacked as [3H, H] */
    float *ln1_g, *ln1_b, *ln2_g, *ln2_b;
} Layer;

typedef struct {
    Shape s;
    float *word, *pos, *type, *emb_g, *emb_b;
    Layer *layer;
} Model;

typedef enum { ENGINE_F32, ENGINE_F16, ENGINE_NAIVE } Engine;

/* Weights arrive from a file or from a deterministic generator, in blob order. */
typedef struct {
    FILE *file;          /* reading a weight file */
    uint64_t state;      /* or generating: splitmix64 */
    FILE *save;          /* --save-weights */
    const char *path;
} Source;

enum { KIND_EMBED, KIND_WEIGHT, KIND_BIAS, KIND_GAMMA, KIND_BETA };

static uint64_t splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void fill(Source *src, float *dst, size_t count, int kind, int fan_in) {
    if (src->file) {
        if (fread(dst, sizeof(float), count, src->file) != count)
            die("%s: truncated weight file", src->path);
        for (size_t i = 0; i < count; i++)
            if (!isfinite(dst[i])) die("%s: weight file holds a non-finite value", src->path);
    } else {
        float scale = kind == KIND_WEIGHT ? sqrtf(3.0f / (float)fan_in) : kind == KIND_EMBED ? 1.0f : 0.1f;
        for (size_t i = 0; i < count; i++) {
            float u = (float)(splitmix64(&src->state) >> 40) * (1.0f / 16777216.0f); /* [0, 1) */
            float v = (2.0f * u - 1.0f) * scale;
            dst[i] = kind == KIND_GAMMA ? 1.0f + v : v;
        }
    }
    if (src->save && fwrite(dst, sizeof(float), count, src->save) != count) die("cannot write the weight file");
}

static void read_linear(Source *src, Linear *lin, int out, int in, int row0) {
    /* rows [row0, row0 + out) of lin (allocated by the caller for stacked qkv) */
    fill(src, lin->w + (size_t)row0 * in, (size_t)out * in, KIND_WEIGHT, in);
    fill(src, lin->b + row0, out, KIND_BIAS, in);
}

static void alloc_linear(Linear *lin, int out, int in) {
    lin->out = out;
    lin->in = in;
    lin->w = xalloc(sizeof(float) * (size_t)out * in);
    lin->b = xalloc(sizeof(float) * out);
}

static void check_shape(const Shape *s, const char *where) {
    if (s->layers < 1 || s->layers > 256 || s->hidden < 1 || s->hidden > 16384 || s->heads < 1 ||
        s->hidden % s->heads || s->ffn < 1 || s->ffn > 65536 || s->vocab < 1 || s->vocab > 4000000 ||
        s->positions < 1 || s->positions > 1000000 || s->type_vocab < 1 || s->type_vocab > 1024 ||
        !(s->eps > 0 && s->eps < 1))
        die("%s: implausible model shape (layers %d, hidden %d, heads %d, ffn %d, vocab %d, positions %d, types %d)",
            where, s->layers, s->hidden, s->heads, s->ffn, s->vocab, s->positions, s->type_vocab);
}

static void load_model(Model *m, Source *src) {
    Shape *s = &m->s;
    if (src->file) {
        char magic[8];
        int32_t head[8];
        if (fread(magic, 1, 8, src->file) != 8 || memcmp(magic, MAGIC, 8))
            die("%s: not a mkldoctor weight file", src->path);
        if (fread(head, sizeof head, 1, src->file) != 1 || fread(&s->eps, sizeof s->eps, 1, src->file) != 1)
            die("%s: truncated weight file", src->path);
        s->layers = head[0], s->hidden = head[1], s->heads = head[2], s->ffn = head[3];
        s->vocab = head[4], s->positions = head[5], s->type_vocab = head[6];
    }
    check_shape(s, src->file ? src->path : "--shape");
    if (src->save) {
        int32_t head[8] = {s->layers, s->hidden, s->heads, s->ffn, s->vocab, s->positions, s->type_vocab, 0};
        if (fwrite(MAGIC, 1, 8, src->save) != 8 || fwrite(head, sizeof head, 1, src->save) != 1 ||
            fwrite(&s->eps, sizeof s->eps, 1, src->save) != 1)
            die("cannot write the weight file");
    }
    int H = s->hidden, F = s->ffn;
    m->word = xalloc(sizeof(float) * (size_t)s->vocab * H);
    m->pos = xalloc(sizeof(float) * (size_t)s->positions * H);
    m->type = xalloc(sizeof(float) * (size_t)s->type_vocab * H);
    m->emb_g = xalloc(sizeof(float) * H);
    m->emb_b = xalloc(sizeof(float) * H);
    fill(src, m->word, (size_t)s->vocab * H, KIND_EMBED, H);
    fill(src, m->pos, (size_t)s->positions * H, KIND_EMBED, H);
    fill(src, m->type, (size_t)s->type_vocab * H, KIND_EMBED, H);
    fill(src, m->emb_g, H, KIND_GAMMA, H);
    fill(src, m->emb_b, H, KIND_BETA, H);
    m->layer = xalloc(sizeof(Layer) * s->layers);
    for (int l = 0; l < s->layers; l++) {
        Layer *L = &m->layer[l];
        alloc_linear(&L->qkv, 3 * H, H);
        for (int part = 0; part < 3; part++) read_linear(src, &L->qkv, H, H, part * H);
        alloc_linear(&L->o, H, H);
        read_linear(src, &L->o, H, H, 0);
        L->ln1_g = xalloc(sizeof(float) * H);
        L->ln1_b = xalloc(sizeof(float) * H);
        fill(src, L->ln1_g, H, KIND_GAMMA, H);
        fill(src, L->ln1_b, H, KIND_BETA, H);
        alloc_linear(&L->i, F, H);
        read_linear(src, &L->i, F, H, 0);
        alloc_linear(&L->out, H, F);
        read_linear(src, &L->out, H, F, 0);
        L->ln2_g = xalloc(sizeof(float) * H);
        L->ln2_b = xalloc(sizeof(float) * H);
        fill(src, L->ln2_g, H, KIND_GAMMA, H);
        fill(src, L->ln2_b, H, KIND_BETA, H);
    }
    if (src->file && fgetc(src->file) != EOF) die("%s: trailing bytes after the last tensor", src->path);
}

/* -- half precision ---------------------------------------------------------------- */

static MAYBE_UNUSED unsigned short f32_to_f16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000u, exp = (x >> 23) & 0xffu, man = x & 0x7fffffu;
    if (exp == 0xff) return (unsigned short)(sign | 0x7c00u | (man ? 0x200u : 0));
    int e = (int)exp - 127 + 15;
    if (e >= 0x1f) return (unsigned short)(sign | 0x7c00u);
    if (e <= 0) {
        if (e < -10) return (unsigned short)sign;
        man |= 0x800000u;
        int shift = 14 - e;
        uint32_t half = man >> shift, rest = man & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rest > mid || (rest == mid && (half & 1))) half++;
        return (unsigned short)(sign | half);
    }
    uint32_t half = ((uint32_t)e << 10) | (man >> 13), rest = man & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1))) half++;
    return (unsigned short)(sign | half);
}

static MAYBE_UNUSED float f16_to_f32(unsigned short h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, x;
    if (exp == 0) {
        if (!man) x = sign;
        else {
            int e = -1;
            do { man <<= 1; e++; } while (!(man & 0x400u));
            x = sign | ((uint32_t)(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
        }
    } else if (exp == 0x1f) x = sign | 0x7f800000u | (man << 13);
    else x = sign | ((exp + 127 - 15) << 23) | (man << 13);
    float f;
    memcpy(&f, &x, 4);
    return f;
}

static MAYBE_UNUSED void to_f16(const float *src, unsigned short *dst, size_t n) {
    size_t i = 0;
#ifdef __F16C__
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
#endif
    for (; i < n; i++) dst[i] = f32_to_f16(src[i]);
}

static MAYBE_UNUSED void from_f16(const unsigned short *src, float *dst, size_t n) {
    size_t i = 0;
#ifdef __F16C__
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
#endif
    for (; i < n; i++) dst[i] = f16_to_f32(src[i]);
}

#ifdef BENCH_F16
/* strided 2-D copies: rows x cols, with leading dimensions */
static void to_f16_2d(const float *src, int ld_src, unsigned short *dst, int ld_dst, int rows, int cols) {
    for (int r = 0; r < rows; r++) to_f16(src + (size_t)r * ld_src, dst + (size_t)r * ld_dst, cols);
}

static void from_f16_2d(const unsigned short *src, int ld_src, float *dst, int ld_dst, int rows, int cols) {
    for (int r = 0; r < rows; r++) from_f16(src + (size_t)r * ld_src, dst + (size_t)r * ld_dst, cols);
}
#endif

/* -- the elementwise work: exp, erf, softmax, GELU, LayerNorm ------------------------ */

#ifdef HAVE_AVX2
static inline __m256 exp256(__m256 x) {
    /* Cephes expf: x = n ln2 + r, |r| <= ln2/2, e^r by a degree-7 polynomial, 2^n by bits */
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.33654f)), _mm256_set1_ps(88.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline __m256 erf256(__m256 x) {
    /* Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7 (what PyTorch's vectorised erf uses) */
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    __m256 s = _mm256_and_ps(x, sign), a = _mm256_andnot_ps(sign, x);
    /* t = 1 / (1 + p|x|): the reciprocal estimate and one Newton step (~1 ulp) */
    __m256 den = _mm256_fmadd_ps(_mm256_set1_ps(0.3275911f), a, one), t = _mm256_rcp_ps(den);
    t = _mm256_mul_ps(t, _mm256_fnmadd_ps(den, t, _mm256_set1_ps(2.0f)));
    __m256 p = _mm256_set1_ps(1.061405429f);
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
    p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
    p = _mm256_mul_ps(p, t);
    __m256 e = exp256(_mm256_mul_ps(_mm256_xor_ps(a, sign), a));
    return _mm256_or_ps(_mm256_fnmadd_ps(p, e, one), s);
}

static inline float hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline float hmax256(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

/* out[r] = LayerNorm(y[r] + b + res[r]) for each of T rows of n; out may be res
   (the layers pass b = zeros: their bias is already in y) */
static void add_layernorm(const float *y, const float *b, const float *res, const float *g, const float *beta,
                          double eps, float *out, int T, int n, int ld_res) {
#pragma omp parallel for schedule(static) if (T > 1)
    for (int t = 0; t < T; t++) {
        const float *yr = y + (size_t)t * n, *rr = res + (size_t)t * ld_res;
        float *o = out + (size_t)t * n;
        int i = 0;
        float sum = 0.0f, sq = 0.0f;
#ifdef HAVE_AVX2
        __m256 vs = _mm256_setzero_ps();
        for (; i + 8 <= n; i += 8) {
            __m256 v = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(yr + i), _mm256_loadu_ps(b + i)), _mm256_loadu_ps(rr + i));
            _mm256_storeu_ps(o + i, v);
            vs = _mm256_add_ps(vs, v);
        }
        sum = hsum256(vs);
#endif
        for (; i < n; i++) {
            o[i] = yr[i] + b[i] + rr[i];
            sum += o[i];
        }
        float mean = sum / n;
        i = 0;
#ifdef HAVE_AVX2
        __m256 vm = _mm256_set1_ps(mean), vq = _mm256_setzero_ps();
        for (; i + 8 <= n; i += 8) {
            __m256 d = _mm256_sub_ps(_mm256_loadu_ps(o + i), vm);
            vq = _mm256_fmadd_ps(d, d, vq);
        }
        sq = hsum256(vq);
#endif
        for (; i < n; i++) sq += (o[i] - mean) * (o[i] - mean);
        float rstd = (float)(1.0 / sqrt((double)(sq / n) + eps));
        i = 0;
#ifdef HAVE_AVX2
        __m256 vr = _mm256_set1_ps(rstd);
        for (; i + 8 <= n; i += 8) {
            __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(o + i), vm), vr);
            _mm256_storeu_ps(o + i, _mm256_fmadd_ps(d, _mm256_loadu_ps(g + i), _mm256_loadu_ps(beta + i)));
        }
#endif
        for (; i < n; i++) o[i] = (o[i] - mean) * rstd * g[i] + beta[i];
    }
}

/* y = GELU(y), exact (erf) form */
static void gelu(float *y, int T, int n) {
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++) {
        float *r = y + (size_t)t * n;
        int i = 0;
#ifdef HAVE_AVX2
        const __m256 half = _mm256_set1_ps(0.5f), rsqrt2 = _mm256_set1_ps(0.70710678118654752f);
        for (; i + 8 <= n; i += 8) {
            __m256 x = _mm256_loadu_ps(r + i);
            __m256 e = erf256(_mm256_mul_ps(x, rsqrt2));
            _mm256_storeu_ps(r + i, _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(_mm256_set1_ps(1.0f), e)));
        }
#endif
        for (; i < n; i++) {
            float x = r[i];
            r[i] = 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
        }
    }
}

/* each of `rows` rows of n: softmax(scale * row), in place; the tail of a row that is
   not a multiple of 8 goes through the same vector code, masked. With `inv`, the rows are
   left unnormalised (exp only) and inv[t] gets 1 / sum: the caller scales the product
   instead, T x d numbers per head rather than T x T */
static void softmax_rows(float *s, int rows, int n, int ld, float scale, float *inv) {
#ifdef HAVE_AVX2
    int tail = n % 8, body = n - tail;
    __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(tail), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int t = 0; t < rows; t++) {
        float *r = s + (size_t)t * ld;
        __m256 vm = _mm256_set1_ps(-INFINITY);
        for (int i = 0; i < body; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(r + i));
        if (tail)  /* masked-off lanes read as 0: blend in -inf */
            vm = _mm256_max_ps(vm, _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(r + body, mask),
                                                    _mm256_castsi256_ps(mask)));
        __m256 vmx = _mm256_set1_ps(hmax256(vm)), vsc = _mm256_set1_ps(scale), vs = _mm256_setzero_ps();
        for (int i = 0; i < body; i += 8) {
            __m256 e = exp256(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(r + i), vmx), vsc));
            _mm256_storeu_ps(r + i, e);
            vs = _mm256_add_ps(vs, e);
        }
        if (tail) {
            __m256 e = exp256(_mm256_mul_ps(_mm256_sub_ps(_mm256_maskload_ps(r + body, mask), vmx), vsc));
            e = _mm256_and_ps(e, _mm256_castsi256_ps(mask));
            _mm256_maskstore_ps(r + body, mask, e);
            vs = _mm256_add_ps(vs, e);
        }
        if (inv) {
            inv[t] = 1.0f / hsum256(vs);
            continue;
        }
        __m256 vi = _mm256_set1_ps(1.0f / hsum256(vs));
        for (int i = 0; i < body; i += 8) _mm256_storeu_ps(r + i, _mm256_mul_ps(_mm256_loadu_ps(r + i), vi));
        if (tail) _mm256_maskstore_ps(r + body, mask, _mm256_mul_ps(_mm256_maskload_ps(r + body, mask), vi));
    }
#else
    for (int t = 0; t < rows; t++) {
        float *r = s + (size_t)t * ld;
        float mx = -INFINITY, sum = 0.0f;
        for (int i = 0; i < n; i++) mx = r[i] > mx ? r[i] : mx;
        for (int i = 0; i < n; i++) {
            r[i] = expf((r[i] - mx) * scale);
            sum += r[i];
        }
        if (inv) {
            inv[t] = 1.0f / sum;
            continue;
        }
        for (int i = 0; i < n; i++) r[i] *= 1.0f / sum;
    }
#endif
}

/* -- the naive engine: C[M,N] (+)= A[M,K] B[K,N], row-major, no BLAS --------------------- */

static void naive_gemm(int accumulate, int M, int N, int K, const float *A, int lda, const float *B, int ldb, float *C,
                       int ldc) {
    enum { NB = 128, KB = 256 };
    for (int j0 = 0; j0 < N; j0 += NB) {
        int nb = N - j0 < NB ? N - j0 : NB;
        if (!accumulate)
            for (int i = 0; i < M; i++) memset(C + (size_t)i * ldc + j0, 0, sizeof(float) * nb);
        for (int k0 = 0; k0 < K; k0 += KB) {
            int k1 = K - k0 < KB ? K : k0 + KB;
            int i = 0;
            for (; i + 4 <= M; i += 4) {
                float *restrict c0 = C + (size_t)i * ldc + j0, *restrict c1 = c0 + ldc;
                float *restrict c2 = c1 + ldc, *restrict c3 = c2 + ldc;
                const float *a0 = A + (size_t)i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
                for (int k = k0; k < k1; k++) {
                    const float *restrict b = B + (size_t)k * ldb + j0;
                    float x0 = a0[k], x1 = a1[k], x2 = a2[k], x3 = a3[k];
                    for (int j = 0; j < nb; j++) {
                        float bj = b[j];
                        c0[j] += x0 * bj;
                        c1[j] += x1 * bj;
                        c2[j] += x2 * bj;
                        c3[j] += x3 * bj;
                    }
                }
            }
            for (; i < M; i++) {
                float *restrict c = C + (size_t)i * ldc + j0;
                const float *a = A + (size_t)i * lda;
                for (int k = k0; k < k1; k++) {
                    const float *restrict b = B + (size_t)k * ldb + j0;
                    float x = a[k];
                    for (int j = 0; j < nb; j++) c[j] += x * b[j];
                }
            }
        }
    }
}

static void transpose(const float *src, int rows, int cols, int ld_src, float *dst, int ld_dst) {
    enum { B = 32 };
    for (int r0 = 0; r0 < rows; r0 += B)
        for (int c0 = 0; c0 < cols; c0 += B)
            for (int r = r0; r < rows && r < r0 + B; r++)
                for (int c = c0; c < cols && c < c0 + B; c++) dst[(size_t)c * ld_dst + r] = src[(size_t)r * ld_src + c];
}

/* -- the f16 engine: hgemm_, column-major Fortran BLAS ------------------------------------ */

#ifdef BENCH_F16
/* declared here, not taken from mkl.h: MKL 2020.x headers have no hgemm at all, and the
   point of this engine is that the *link* fails there, with the user's message */
extern void hgemm_(const char *transa, const char *transb, const MKL_INT *m, const MKL_INT *n, const MKL_INT *k,
                   const unsigned short *alpha, const unsigned short *a, const MKL_INT *lda,
                   const unsigned short *b, const MKL_INT *ldb, const unsigned short *beta, unsigned short *c,
                   const MKL_INT *ldc);

static const unsigned short F16_ONE = 0x3c00, F16_ZERO = 0;

/* row-major C[M,N] = A[M,K] op(B): op(B) = B^T (B is [N,K]) when b_trans, else B ([K,N]) */
static void hgemm_rowmajor(int b_trans, int M, int N, int K, const unsigned short *A, int lda,
                           const unsigned short *B, int ldb, unsigned short *C, int ldc) {
    MKL_INT m = N, n = M, k = K, la = ldb, lb = lda, lc = ldc;
    hgemm_(b_trans ? "T" : "N", "N", &m, &n, &k, &F16_ONE, B, &la, A, &lb, &F16_ZERO, C, &lc);
}
#endif

/* -- the forward pass ----------------------------------------------------------------- */

typedef struct {
    int T;
    const int *ids;
    float *x, *qkv, *ctx, *tmp, *inter, *scores; /* scores: heads x T x T */
    float *kt;                                   /* naive: each head's K transposed [NH, d, T] */
    unsigned short *a16, *c16, *qkv16, *s16, *c16h; /* f16; s16 [NH, T, T], c16h [NH, T, d] */
    float *zeros;                                /* [H] */
    float *inv;                                  /* [NH, T]: 1 / each softmax row's sum */
    float *heads;                                /* f32: Q, K, V head-major, [3, NH, T, d] */
} Work;

/* --matmul-only: time the matrix products alone (the floor for this engine); the output
   of such a pass means nothing */
static int matmul_only;

static void prepare(Model *m, Engine engine) {
    for (int l = 0; l < m->s.layers; l++) {
        Linear *all[4] = {&m->layer[l].qkv, &m->layer[l].o, &m->layer[l].i, &m->layer[l].out};
        for (int j = 0; j < 4; j++) {
            Linear *lin = all[j];
            if (engine == ENGINE_NAIVE && !lin->wt) {
                lin->wt = xalloc(sizeof(float) * (size_t)lin->out * lin->in);
                transpose(lin->w, lin->out, lin->in, lin->in, lin->wt, lin->out);
            }
            if (engine == ENGINE_F16 && !lin->w16) {
                lin->w16 = xalloc(sizeof(unsigned short) * (size_t)lin->out * lin->in);
                to_f16(lin->w, lin->w16, (size_t)lin->out * lin->in);
            }
        }
    }
}

static Work make_work(const Model *m, int T, const int *ids) {
    const Shape *s = &m->s;
    int H = s->hidden, F = s->ffn, widest = F > 3 * H ? F : 3 * H;
    Work w;
    memset(&w, 0, sizeof w);
    w.T = T;
    w.ids = ids;
    w.x = xalloc(sizeof(float) * (size_t)T * H);
    w.qkv = xalloc(sizeof(float) * (size_t)T * 3 * H);
    w.ctx = xalloc(sizeof(float) * (size_t)T * H);
    w.tmp = xalloc(sizeof(float) * (size_t)T * H);
    w.inter = xalloc(sizeof(float) * (size_t)T * F);
    w.scores = xalloc(sizeof(float) * (size_t)s->heads * T * T);
    w.kt = xalloc(sizeof(float) * (size_t)T * H);
    w.a16 = xalloc(sizeof(unsigned short) * (size_t)T * widest);
    w.c16 = xalloc(sizeof(unsigned short) * (size_t)T * widest);
    w.qkv16 = xalloc(sizeof(unsigned short) * (size_t)T * 3 * H);
    w.s16 = xalloc(sizeof(unsigned short) * (size_t)s->heads * T * T);
    w.c16h = xalloc(sizeof(unsigned short) * (size_t)T * H);
    w.zeros = xalloc(sizeof(float) * H);
    w.inv = xalloc(sizeof(float) * (size_t)s->heads * T);
    w.heads = xalloc(sizeof(float) * (size_t)T * 3 * H);
    return w;
}

/* y[T, out] = x[T, in] W^T + b. The rows of y start as the bias and the product is added
   (beta = 1): that is cheaper than a product into zeros (beta = 0) and a bias pass after */
static void linear(Engine engine, const Linear *lin, const float *x, float *y, Work *w) {
    int T = w->T;
    if (engine != ENGINE_F16) {
#pragma omp parallel for schedule(static)
        for (int t = 0; t < T; t++) memcpy(y + (size_t)t * lin->out, lin->b, sizeof(float) * lin->out);
    }
    switch (engine) {
    case ENGINE_F32:
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, lin->out, lin->in, 1.0f, x, lin->in, lin->w, lin->in,
                    1.0f, y, lin->out);
        break;
    case ENGINE_NAIVE:
        naive_gemm(1, T, lin->out, lin->in, x, lin->in, lin->wt, lin->out, y, lin->out);
        break;
    case ENGINE_F16:
#ifdef BENCH_F16
        /* f16 in, f16 out (beta = 0: a half-precision bias would round it), bias added in f32 */
        to_f16(x, w->a16, (size_t)T * lin->in);
        hgemm_rowmajor(1, T, lin->out, lin->in, w->a16, lin->in, lin->w16, lin->in, w->c16, lin->out);
        for (int t = 0; t < T; t++) {
            float *row = y + (size_t)t * lin->out;
            from_f16(w->c16 + (size_t)t * lin->out, row, lin->out);
            for (int i = 0; i < lin->out; i++) row[i] += lin->b[i];
        }
#endif
        break;
    }
}

#if defined(INTEL_MKL_VERSION) && INTEL_MKL_VERSION >= 20200000
#define HAVE_BATCH_STRIDED 1 /* cblas_sgemm_batch_strided: MKL 2020 and newer */
#endif

/* f32 attention as two batched products over all heads at once: Q, K and V are first
   copied head-major ([NH, T, d] each: MKL before 2021 refuses strides that let the heads'
   matrices interleave, and later ones accept them but gain nothing from it), then Q K^T
   for every head in one call, one softmax pass over all NH * T rows, S V in one call into
   tmp (free until the output projection), and each head's T x d block back into its
   columns of ctx with the softmax's division applied there (T x d numbers per head
   rather than T x T). Only with BENCH_ATTENTION=batch: measured against the per-head loop
   (benchmarks/bench_bert.py) it gains nothing here, the copies cost what MKL saves. */
static int batched_attention(const Shape *s, Work *w, float scale) {
#ifdef HAVE_BATCH_STRIDED
    static int mode = -1;
    if (mode < 0) {
        const char *env = getenv("BENCH_ATTENTION");
        mode = env && !strcmp(env, "batch");
    }
    if (!mode) return 0;
    int T = w->T, H = s->hidden, NH = s->heads, d = H / NH;
    MKL_INT tt = (MKL_INT)T * T, td = (MKL_INT)T * d;
    float *qh = w->heads, *kh = qh + (size_t)NH * td, *vh = kh + (size_t)NH * td;
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++)
        for (int h = 0; h < NH; h++) {
            const float *row = w->qkv + (size_t)t * 3 * H + h * d;
            size_t at = (size_t)h * td + (size_t)t * d;
            memcpy(qh + at, row, sizeof(float) * d);
            memcpy(kh + at, row + H, sizeof(float) * d);
            memcpy(vh + at, row + 2 * H, sizeof(float) * d);
        }
    cblas_sgemm_batch_strided(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, d, 1.0f, qh, d, td, kh, d, td, 0.0f,
                              w->scores, T, tt, NH);
    if (!matmul_only) {
#pragma omp parallel for schedule(static)
        for (int h = 0; h < NH; h++) softmax_rows(w->scores + (size_t)h * tt, T, T, T, scale, w->inv + (size_t)h * T);
    }
    cblas_sgemm_batch_strided(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, d, T, 1.0f, w->scores, T, tt, vh, d, td,
                              0.0f, w->tmp, d, td, NH);
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++)
        for (int h = 0; h < NH; h++) {
            const float *from = w->tmp + (size_t)h * td + (size_t)t * d;
            float *to = w->ctx + (size_t)t * H + h * d, norm = matmul_only ? 1.0f : w->inv[(size_t)h * T + t];
            for (int j = 0; j < d; j++) to[j] = from[j] * norm;
        }
    return 1;
#else
    (void)s, (void)w, (void)scale;
    return 0;
#endif
}

/* ctx[T, H] = softmax(Q K^T / sqrt(d)) V per head, from qkv[T, 3H] (biases already added);
   the heads are independent: with OpenMP they share the threads (BLAS calls inside run
   single-threaded), and each head's T x T scores stay in cache between the two products.
   f32 divides by the softmax's row sums after the second product (T x d numbers, not T x T) */
static void attention(Engine engine, const Shape *s, Work *w) {
    int T = w->T, H = s->hidden, NH = s->heads, d = H / NH, ld = 3 * H;
    float scale = 1.0f / sqrtf((float)d);
    const float *q = w->qkv, *k = w->qkv + H, *v = w->qkv + 2 * H;
    if (engine == ENGINE_F32 && batched_attention(s, w, scale)) return;
#ifdef BENCH_F16
    if (engine == ENGINE_F16) to_f16_2d(w->qkv, ld, w->qkv16, ld, T, ld);
#endif
#pragma omp parallel for schedule(static)
    for (int h = 0; h < NH; h++) {
        float *sc = w->scores + (size_t)h * T * T;
        switch (engine) {
        case ENGINE_F32: {
            float *inv = w->inv + (size_t)h * T, *out = w->ctx + h * d;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, d, 1.0f, q + h * d, ld, k + h * d, ld, 0.0f, sc, T);
            if (!matmul_only) softmax_rows(sc, T, T, T, scale, inv);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, d, T, 1.0f, sc, T, v + h * d, ld, 0.0f, out, H);
            if (!matmul_only)
                for (int t = 0; t < T; t++)
                    for (int j = 0; j < d; j++) out[(size_t)t * H + j] *= inv[t];
            break;
        }
        case ENGINE_NAIVE: {
            float *kt = w->kt + (size_t)h * d * T;
            transpose(k + h * d, T, d, ld, kt, T);
            naive_gemm(0, T, T, d, q + h * d, ld, kt, T, sc, T);
            if (!matmul_only) softmax_rows(sc, T, T, T, scale, NULL);
            naive_gemm(0, T, d, T, sc, T, v + h * d, ld, w->ctx + h * d, H);
            break;
        }
        case ENGINE_F16: {
#ifdef BENCH_F16
            unsigned short *s16 = w->s16 + (size_t)h * T * T, *c16 = w->c16h + (size_t)h * T * d;
            const unsigned short *q16 = w->qkv16 + h * d, *k16 = w->qkv16 + H + h * d, *v16 = w->qkv16 + 2 * H + h * d;
            hgemm_rowmajor(1, T, T, d, q16, ld, k16, ld, s16, T);
            if (!matmul_only) {
                from_f16(s16, sc, (size_t)T * T);
                softmax_rows(sc, T, T, T, scale, NULL);
                to_f16(sc, s16, (size_t)T * T);
            }
            hgemm_rowmajor(0, T, d, T, s16, T, v16, ld, c16, d);
            from_f16_2d(c16, d, w->ctx + h * d, H, T, d);
#endif
            break;
        }
        }
    }
}

static void forward(const Model *m, Engine engine, Work *w) {
    const Shape *s = &m->s;
    int T = w->T, H = s->hidden, F = s->ffn;
    /* embeddings: LayerNorm(word[id] + type[0] + pos[t]) */
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; t++)
        add_layernorm(m->word + (size_t)w->ids[t] * H, m->type, m->pos + (size_t)t * H, m->emb_g, m->emb_b, s->eps,
                      w->x + (size_t)t * H, 1, H, H);
    for (int l = 0; l < s->layers; l++) {
        const Layer *L = &m->layer[l];
        linear(engine, &L->qkv, w->x, w->qkv, w);
        attention(engine, s, w);
        linear(engine, &L->o, w->ctx, w->tmp, w);
        if (!matmul_only) add_layernorm(w->tmp, w->zeros, w->x, L->ln1_g, L->ln1_b, s->eps, w->x, T, H, H);
        linear(engine, &L->i, w->x, w->inter, w);
        if (!matmul_only) gelu(w->inter, T, F);
        linear(engine, &L->out, w->inter, w->tmp, w);
        if (!matmul_only) add_layernorm(w->tmp, w->zeros, w->x, L->ln2_g, L->ln2_b, s->eps, w->x, T, H, H);
    }
}

/* -- peak: one 1024^3 sgemm (and hgemm) timed in this program --------------------------- */

static void peak(Engine engine, int runs) {
    const int n = 1024;
    size_t nn = (size_t)n * n;
    float *a = xalloc(sizeof(float) * nn), *b = xalloc(sizeof(float) * nn), *c = xalloc(sizeof(float) * nn);
    uint64_t st = 7;
    for (size_t i = 0; i < nn; i++) {
        a[i] = (float)(splitmix64(&st) >> 40) * (1.0f / 16777216.0f) - 0.5f;
        b[i] = (float)(splitmix64(&st) >> 40) * (1.0f / 16777216.0f) - 0.5f;
    }
#ifdef BENCH_F16
    unsigned short *a16 = NULL, *b16 = NULL, *c16 = NULL;
    if (engine == ENGINE_F16) {
        a16 = xalloc(sizeof(unsigned short) * nn), b16 = xalloc(sizeof(unsigned short) * nn);
        c16 = xalloc(sizeof(unsigned short) * nn);
        to_f16(a, a16, nn);
        to_f16(b, b16, nn);
    }
#endif
    printf("{\"event\": \"peak\", \"routine\": \"%s\", \"n\": %d, \"ms\": [", engine == ENGINE_F16 ? "hgemm" : "sgemm", n);
    for (int r = -1; r < runs; r++) { /* r = -1: warm-up */
        double t0 = now();
#ifdef BENCH_F16
        if (engine == ENGINE_F16) hgemm_rowmajor(0, n, n, n, a16, n, b16, n, c16, n);
        else
#endif
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        double ms = (now() - t0) * 1e3;
        if (r >= 0) printf("%s%.4f", r ? ", " : "", ms);
    }
    printf("]}\n");
    fflush(stdout);
    free(a), free(b), free(c);
}

/* -- the cgroup's cpu.stat around the timed passes --------------------------------------- */

/* The file's text into buf (at most size - 1 bytes); an empty string when it is unreadable */
static void slurp(const char *path, char *buf, size_t size) {
    buf[0] = 0;
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* `, "name": {"key": value, ...}` from the text of a cpu.stat ("key value" lines), or
   `, "name": null` when there was none: the caller then reports no throttling figures */
static void print_cpu_stat(const char *name, const char *text) {
    printf(", \"%s\": ", name);
    if (!*text) {
        printf("null");
        return;
    }
    char key[64];
    unsigned long long value;
    int used, n = 0;
    putchar('{');
    while (sscanf(text, "%63s %llu%n", key, &value, &used) == 2) {
        printf("%s\"", n++ ? ", " : "");
        for (const char *p = key; *p; p++)
            if (*p != '"' && *p != '\\') putchar(*p);
        printf("\": %llu", value);
        text += used;
    }
    putchar('}');
}

/* -- main ------------------------------------------------------------------------------- */

static int *read_ids(const char *path, int *count, int vocab) {
    FILE *f = fopen(path, "rb");
    if (!f) die("%s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (size <= 0 || size % 4) die("%s: not a file of int32 token ids", path);
    int *ids = xalloc((size_t)size);
    if (fread(ids, 1, (size_t)size, f) != (size_t)size) die("%s: short read", path);
    fclose(f);
    *count = (int)(size / 4);
    for (int i = 0; i < *count; i++)
        if (ids[i] < 0 || ids[i] >= vocab) die("%s: token id %d outside the vocabulary (%d)", path, ids[i], vocab);
    return ids;
}

static int parse_int(const char *text, const char *what) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || *end || end == text || v < 0 || v > 100000000) die("bad %s: %s", what, text);
    return (int)v;
}

static void json_string(const char *text) {
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\') printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f) printf("\\u%04x", *p);
        else putchar(*p);
    }
    putchar('"');
}

static void info(void) {
    MKLVersion v;
    MKL_Get_Version(&v);
    printf("{\"event\": \"info\", \"mkl_version\": \"%d.%d.%d\", \"mkl_build\": ", v.MajorVersion, v.MinorVersion,
           v.UpdateVersion);
    json_string(v.Build);
    printf(", \"processor\": ");
    json_string(v.Processor);
    printf(", \"max_threads\": %d, \"f16\": %s}\n", mkl_get_max_threads(),
#ifdef BENCH_F16
           "true"
#else
           "false"
#endif
    );
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *weights = NULL, *ids_path = NULL, *out_path = NULL, *save_path = NULL, *engine_name = "f32";
    const char *shape_text = NULL, *cpu_stat = NULL;
    long long seed = -1;
    int threads = 1, warmup = 0, runs = 0, peak_runs = 0, do_info = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED() do { if (!val) die("%s needs a value", a); i++; } while (0)
        if (!strcmp(a, "--info")) do_info = 1;
        else if (!strcmp(a, "--weights")) { NEED(); weights = val; }
        else if (!strcmp(a, "--random")) { NEED(); seed = parse_int(val, "seed"); }
        else if (!strcmp(a, "--shape")) { NEED(); shape_text = val; }
        else if (!strcmp(a, "--ids")) { NEED(); ids_path = val; }
        else if (!strcmp(a, "--engine")) { NEED(); engine_name = val; }
        else if (!strcmp(a, "--threads")) { NEED(); threads = parse_int(val, "thread count"); }
        else if (!strcmp(a, "--out")) { NEED(); out_path = val; }
        else if (!strcmp(a, "--matmul-only")) matmul_only = 1;
        else if (!strcmp(a, "--cpu-stat")) { NEED(); cpu_stat = val; }
        else if (!strcmp(a, "--save-weights")) { NEED(); save_path = val; }
        else if (!strcmp(a, "--peak")) { NEED(); peak_runs = parse_int(val, "peak runs"); }
        else if (!strcmp(a, "--time")) {
            NEED();
            if (sscanf(val, "%d,%d", &warmup, &runs) != 2 || warmup < 0 || runs < 1) die("bad --time: %s", val);
        } else die("unknown option %s", a);
#undef NEED
    }
    if (threads > 0) { /* 0: MKL's and OpenMP's own choice */
        mkl_set_num_threads(threads);
#ifdef _OPENMP
        omp_set_num_threads(threads);
#endif
    }
    /* flush denormals to zero (FTZ, DAZ), in every thread of the OpenMP pool too: tiny
       softmax and GELU tails would otherwise cost microcode assists */
#if defined(__x86_64__)
    _mm_setcsr(_mm_getcsr() | 0x8040);
#ifdef _OPENMP
#pragma omp parallel
    _mm_setcsr(_mm_getcsr() | 0x8040);
#endif
#endif
    if (do_info) {
        info();
        return 0;
    }
    Engine engine;
    if (!strcmp(engine_name, "f32")) engine = ENGINE_F32;
    else if (!strcmp(engine_name, "naive")) engine = ENGINE_NAIVE;
    else if (!strcmp(engine_name, "f16")) {
#ifndef BENCH_F16
        die("this build has no f16 engine (rebuild with -DBENCH_F16)");
#endif
        engine = ENGINE_F16;
    } else die("unknown engine %s", engine_name);

    if (peak_runs && !weights && seed < 0) { /* --peak alone */
        peak(ENGINE_F32, peak_runs);
        if (engine == ENGINE_F16) peak(ENGINE_F16, peak_runs);
        return 0;
    }
    Model m;
    memset(&m, 0, sizeof m);
    Source src = {0};
    if (weights) {
        src.path = weights;
        src.file = fopen(weights, "rb");
        if (!src.file) die("%s: %s", weights, strerror(errno));
    } else if (seed >= 0) {
        if (!shape_text) die("--random needs --shape L,H,NH,F,V,P,TV");
        Shape *s = &m.s;
        if (sscanf(shape_text, "%d,%d,%d,%d,%d,%d,%d", &s->layers, &s->hidden, &s->heads, &s->ffn, &s->vocab,
                   &s->positions, &s->type_vocab) != 7)
            die("bad --shape: %s", shape_text);
        s->eps = 1e-12;
        src.state = (uint64_t)seed;
    } else die("give --weights FILE or --random SEED --shape ...");
    if (save_path) {
        src.save = fopen(save_path, "wb");
        if (!src.save) die("%s: %s", save_path, strerror(errno));
    }
    load_model(&m, &src);
    if (src.file) fclose(src.file);
    if (src.save && fclose(src.save)) die("%s: cannot write the weight file", save_path);
    if (!ids_path) {
        if (save_path) return 0;
        die("--ids FILE is needed");
    }
    int T;
    int *ids = read_ids(ids_path, &T, m.s.vocab);
    if (T > m.s.positions) die("%d tokens, but the model has %d positions", T, m.s.positions);
    prepare(&m, engine);
    Work w = make_work(&m, T, ids);
    int H = m.s.hidden;

    if (out_path) {
        if (matmul_only) die("--matmul-only passes compute no output");
        forward(&m, engine, &w);
        FILE *f = fopen(out_path, "wb");
        if (!f) die("%s: %s", out_path, strerror(errno));
        float *pooled = xalloc(sizeof(float) * H);
        for (int i = 0; i < H; i++) {
            double acc = 0;
            for (int t = 0; t < T; t++) acc += w.x[(size_t)t * H + i];
            pooled[i] = (float)(acc / T);
        }
        if (fwrite(w.x, sizeof(float), (size_t)T * H, f) != (size_t)T * H || fwrite(pooled, sizeof(float), H, f) != (size_t)H ||
            fclose(f))
            die("%s: cannot write the output", out_path);
        printf("{\"event\": \"output\", \"engine\": \"%s\", \"tokens\": %d, \"hidden\": %d}\n", engine_name, T, H);
        fflush(stdout);
    }
    if (runs) {
        for (int r = 0; r < warmup; r++) forward(&m, engine, &w);
        double *ms = xalloc(sizeof(double) * runs);
        /* the stat is read into memory before and after the timed passes, printed after them */
        char before[4096], after[4096];
        slurp(cpu_stat, before, sizeof before);
        for (int r = 0; r < runs; r++) {
            double t0 = now();
            forward(&m, engine, &w);
            ms[r] = (now() - t0) * 1e3;
        }
        slurp(cpu_stat, after, sizeof after);
        printf("{\"event\": \"timing\", \"engine\": \"%s\", \"threads\": %d, \"threads_source\": \"%s\", "
               "\"tokens\": %d, \"warmup\": %d, \"matmul_only\": %s",
               engine_name, threads ? threads : mkl_get_max_threads(), threads ? "explicit" : "mkl default", T, warmup,
               matmul_only ? "true" : "false");
        print_cpu_stat("cpu_stat_before", before);
        print_cpu_stat("cpu_stat_after", after);
        printf(", \"ms\": [");
        for (int r = 0; r < runs; r++) printf("%s%.4f", r ? ", " : "", ms[r]);
        printf("]}\n");
        fflush(stdout);
        free(ms);
    }
    if (peak_runs) {
        peak(ENGINE_F32, peak_runs);
        if (engine == ENGINE_F16) peak(ENGINE_F16, peak_runs);
    }
    return 0;
}
