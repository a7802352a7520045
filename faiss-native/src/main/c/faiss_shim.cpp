// faiss_shim: the only native code of faiss-rebuild.
//
// A flat extern "C" surface over Debian's static libfaiss.a (FAISS 1.7.3), called from Java through
// the Foreign Function & Memory API. Rules every function keeps:
//   * no C++ exception crosses into the JVM (one that did would abort it): each entry point runs its
//     body through guarded(), which turns any exception into a return code of -1 and a message
//     written into the caller's buffer (an out-parameter, not a thread-local: a Java virtual thread
//     may change carrier between two calls);
//   * compute calls take the OpenMP thread count and apply it first, because libgomp keeps that
//     setting per OS thread and Java may call from any thread of a pool.
#include <cxxabi.h>
#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>

#include <faiss/AutoTune.h>
#include <faiss/Index.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexFlatCodes.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/IndexRefine.h>
#include <faiss/IVFlib.h>
#include <faiss/clone_index.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/OnDiskInvertedLists.h>
#include <faiss/utils/distances.h>

namespace {

void copy_message(const char* msg, char* err, size_t errlen) {
    if (err == nullptr || errlen == 0) return;
    std::snprintf(err, errlen, "%s", msg);
}

template <typename F>
int guarded(char* err, size_t errlen, F&& body) {
    try {
        body();
        return 0;
    } catch (const faiss::FaissException& e) {
        copy_message(e.what(), err, errlen);
    } catch (const std::bad_alloc&) {
        copy_message("out of memory (std::bad_alloc)", err, errlen);
    } catch (const std::exception& e) {
        copy_message(e.what(), err, errlen);
    } catch (...) {
        copy_message("unknown C++ exception", err, errlen);
    }
    return -1;
}

void use_threads(int nthreads) {
    if (nthreads > 0) omp_set_num_threads(nthreads);
}

faiss::Index* as_index(void* p) {
    if (p == nullptr) throw std::invalid_argument("index handle is null (closed?)");
    return static_cast<faiss::Index*>(p);
}

std::string class_name(const faiss::Index* idx) {
    int status = 0;
    const char* mangled = typeid(*idx).name();
    char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
    std::string name = status == 0 && demangled ? demangled : mangled;
    std::free(demangled);
    if (name.rfind("faiss::", 0) == 0) name = name.substr(7);
    return name;
}

// The IVF inside wrappers (pre-transform, refine) that extract_index_ivf of 1.7.3 does not see through.
const faiss::IndexIVF* find_ivf(const faiss::Index* idx) {
    if (auto* r = dynamic_cast<const faiss::IndexRefine*>(idx)) return find_ivf(r->base_index);
    if (auto* p = dynamic_cast<const faiss::IndexPreTransform*>(idx)) return find_ivf(p->index);
    return dynamic_cast<const faiss::IndexIVF*>(idx);
}

// FAISS 1.7.3 prints "WARNING clustering N points to K centroids: please provide at least M training
// points" on raw stderr whenever a k-means sample is below min_points_per_centroid (39) per centroid:
// once per PQ sub-quantizer, so up to 256 lines per build (83 % of the lines of a first run on the demo
// data). That warning is all this setting does in 1.7.3; the Java side states the same fact once per
// build step as a structured log line, and the recall gate judges the result.
void quiet_small_sample_warning(faiss::Index* idx) {
    if (auto* r = dynamic_cast<faiss::IndexRefine*>(idx)) return quiet_small_sample_warning(r->base_index);
    if (auto* p = dynamic_cast<faiss::IndexPreTransform*>(idx)) return quiet_small_sample_warning(p->index);
    if (auto* ivf = dynamic_cast<faiss::IndexIVF*>(idx)) ivf->cp.min_points_per_centroid = 0;
    if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(idx)) ivfpq->pq.cp.min_points_per_centroid = 0;
    if (auto* pq = dynamic_cast<faiss::IndexPQ*>(idx)) pq->pq.cp.min_points_per_centroid = 0;
}

// clone_index of 1.7.3 refuses refine wrappers ("clone not supported for this type of Index"); both of
// their parts clone, so the wrapper is rebuilt around the copies. An IndexRefineFlat comes back as an
// IndexRefine over a copied IndexFlat: the same searches (the copy is for measuring, never written).
struct RefineCloner : faiss::Cloner {
    faiss::Index* clone_Index(const faiss::Index* idx) override {
        if (auto* r = dynamic_cast<const faiss::IndexRefine*>(idx)) {
            faiss::Index* base = clone_Index(r->base_index);
            faiss::Index* refine = clone_Index(r->refine_index);
            auto* copy = new faiss::IndexRefine(base, refine);
            copy->own_fields = true;
            copy->own_refine_index = true;
            copy->k_factor = r->k_factor;
            return copy;
        }
        return faiss::Cloner::clone_Index(idx);
    }
};

void set_param(faiss::Index* idx, const char* name, double value) {
    // ParameterSpace calls the refine factor "k_factor_rf"; accept the field's own name too.
    if (std::strcmp(name, "k_factor") == 0) {
        if (auto* r = dynamic_cast<faiss::IndexRefine*>(idx)) {
            if (value < 1) throw std::invalid_argument("k_factor must be >= 1");
            r->k_factor = static_cast<float>(value);
            return;
        }
    }
    faiss::ParameterSpace ps;
    ps.set_index_parameter(idx, name, value);
}

}  // namespace

extern "C" {

int fr_index_factory(int d, const char* description, int metric, void** out, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        if (d <= 0) throw std::invalid_argument("dimension must be positive, got " + std::to_string(d));
        *out = faiss::index_factory(d, description, static_cast<faiss::MetricType>(metric));
    });
}

void fr_index_free(void* idx) {
    try {
        delete static_cast<faiss::Index*>(idx);
    } catch (...) {
        // a destructor that throws has nothing left to free; never let it reach the JVM
    }
}

int fr_index_train(void* idx, int64_t n, const float* x, int nthreads, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        use_threads(nthreads);
        quiet_small_sample_warning(as_index(idx));
        as_index(idx)->train(n, x);
    });
}

int fr_index_add(void* idx, int64_t n, const float* x, int nthreads, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        use_threads(nthreads);
        as_index(idx)->add(n, x);
    });
}

// Capacity for n more vectors in a flat index, so adding in chunks does not reallocate and copy
// the whole code array once per chunk. Other index types grow per inverted list; nothing to do.
int fr_index_reserve(void* idx, int64_t n, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        if (auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(as_index(idx))) {
            flat->codes.reserve((flat->ntotal + n) * flat->code_size);
        }
    });
}

int fr_index_search(void* idx, int64_t n, const float* x, int64_t k, float* distances, int64_t* labels,
                    int nthreads, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        use_threads(nthreads);
        as_index(idx)->search(n, x, k, distances, labels);
    });
}

// A deep copy (the same trained quantizers, codes and search settings), freed with fr_index_free.
int fr_index_clone(void* idx, void** out, char* err, size_t errlen) {
    return guarded(err, errlen, [&] { *out = RefineCloner().clone_Index(as_index(idx)); });
}

// Removes every vector and keeps the training: what recall on held-out rows adds the other rows to.
int fr_index_reset(void* idx, char* err, size_t errlen) {
    return guarded(err, errlen, [&] { as_index(idx)->reset(); });
}

// Removes the vectors with ids in [from, to): for the held-out copy of an index, instead of re-adding
// (re-encoding) every other row. The newest ids are the tail of every inverted list (rows are added in
// order), so FAISS's swap-with-last removal leaves the other entries in their order.
int fr_index_remove_range(void* idx, int64_t from, int64_t to, int64_t* removed, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        faiss::IDSelectorRange range(from, to);
        *removed = static_cast<int64_t>(as_index(idx)->remove_ids(range));
    });
}

int64_t fr_index_ntotal(void* idx) { return static_cast<faiss::Index*>(idx)->ntotal; }
int fr_index_d(void* idx) { return static_cast<faiss::Index*>(idx)->d; }
int fr_index_metric(void* idx) { return static_cast<int>(static_cast<faiss::Index*>(idx)->metric_type); }
int fr_index_is_trained(void* idx) { return static_cast<faiss::Index*>(idx)->is_trained ? 1 : 0; }

// The stored vectors of a flat index (IndexFlat* and the other IndexFlatCodes): their bytes and count,
// so the validator can compare them with the embeddings; -1 and null for any other index.
int64_t fr_flat_codes(void* idx, void** data) {
    auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(as_index(idx));
    if (flat == nullptr) {
        *data = nullptr;
        return -1;
    }
    *data = flat->codes.data();
    return static_cast<int64_t>(flat->codes.size());
}

int fr_write_index(void* idx, const char* path, char* err, size_t errlen) {
    return guarded(err, errlen, [&] { faiss::write_index(as_index(idx), path); });
}

int fr_read_index(const char* path, int mmap, void** out, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        faiss::Index* idx = faiss::read_index(path, mmap ? faiss::IO_FLAG_MMAP : 0);
        // On-disk inverted lists start 32 prefetch threads per search unless told not to (20x slower).
        if (auto* ivf = const_cast<faiss::IndexIVF*>(find_ivf(idx))) {
            if (auto* od = dynamic_cast<faiss::OnDiskInvertedLists*>(ivf->invlists)) od->prefetch_nthread = 0;
        }
        *out = idx;
    });
}

// Any parameter ParameterSpace knows (nprobe, k_factor, efSearch...), through every wrapper.
int fr_set_param(void* idx, const char* name, double value, char* err, size_t errlen) {
    return guarded(err, errlen, [&] { set_param(as_index(idx), name, value); });
}

// A one-line JSON description of the index: class, metric, sizes and the IVF / PQ / refine settings.
int fr_index_info(void* idx, char* buf, size_t buflen, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        const faiss::Index* index = as_index(idx);
        std::string json = "{\"class\":\"" + class_name(index) + "\"";
        json += ",\"d\":" + std::to_string(index->d);
        json += ",\"ntotal\":" + std::to_string(index->ntotal);
        json += ",\"metric\":" + std::to_string(static_cast<int>(index->metric_type));
        json += ",\"is_trained\":" + std::string(index->is_trained ? "true" : "false");
        if (auto* r = dynamic_cast<const faiss::IndexRefine*>(index)) {
            json += ",\"refine_k_factor\":" + std::to_string(r->k_factor);
        }
        if (const faiss::IndexIVF* ivf = find_ivf(index)) {
            json += ",\"nlist\":" + std::to_string(ivf->nlist);
            json += ",\"nprobe\":" + std::to_string(ivf->nprobe);
            if (auto* ivfpq = dynamic_cast<const faiss::IndexIVFPQ*>(ivf)) {
                json += ",\"pq_m\":" + std::to_string(ivfpq->pq.M);
                json += ",\"pq_nbits\":" + std::to_string(ivfpq->pq.nbits);
            }
        }
        if (auto* pq = dynamic_cast<const faiss::IndexPQ*>(index)) {
            json += ",\"pq_m\":" + std::to_string(pq->pq.M) + ",\"pq_nbits\":" + std::to_string(pq->pq.nbits);
        }
        json += "}";
        if (json.size() + 1 > buflen) throw std::length_error("index info needs " + std::to_string(json.size() + 1) + " bytes");
        std::memcpy(buf, json.c_str(), json.size() + 1);
    });
}

// Exact k nearest neighbours of the queries in db, by brute force (BLAS), without copying db.
int fr_knn_exact(const float* queries, int64_t nq, const float* db, int64_t nb, int d, int64_t k, int metric,
                 float* distances, int64_t* labels, int nthreads, char* err, size_t errlen) {
    return guarded(err, errlen, [&] {
        use_threads(nthreads);
        if (metric == faiss::METRIC_INNER_PRODUCT) {
            faiss::knn_inner_product(queries, db, d, nq, nb, k, distances, labels);
        } else if (metric == faiss::METRIC_L2) {
            faiss::knn_L2sqr(queries, db, d, nq, nb, k, distances, labels);
        } else {
            throw std::invalid_argument("exact search supports inner product (0) and L2 (1), got " + std::to_string(metric));
        }
    });
}

// Index of the first NaN or infinite value among n floats, or -1 when all are finite.
// A float is non-finite exactly when its 8 exponent bits are all ones; testing the bits in blocks
// lets the compiler vectorise the common all-finite case, and only a flagged block is rescanned.
int64_t fr_first_non_finite(const float* x, int64_t n) {
    const int64_t block = 4096;
    for (int64_t start = 0; start < n; start += block) {
        const int64_t end = std::min(n, start + block);
        uint32_t flagged = 0;
        for (int64_t i = start; i < end; i++) {
            uint32_t bits;
            std::memcpy(&bits, x + i, sizeof bits);
            flagged |= (bits & 0x7f800000u) == 0x7f800000u;
        }
        if (flagged == 0) continue;
        for (int64_t i = start; i < end; i++) {
            if (!std::isfinite(x[i])) return i;
        }
    }
    return -1;
}

// Which BLAS libblas.so.3 resolves to, and OpenBLAS's own threads turned down to `threads`:
// FAISS parallelises with OpenMP already, and both together made IVF-PQ training 2x slower here.
int fr_blas_configure(int threads, char* buf, size_t buflen) {
    void* blas = dlopen("libblas.so.3", RTLD_NOW | RTLD_NOLOAD);
    using set_threads_fn = void (*)(int);
    using get_config_fn = char* (*)();
    auto set_threads = blas ? reinterpret_cast<set_threads_fn>(dlsym(blas, "openblas_set_num_threads")) : nullptr;
    auto get_config = blas ? reinterpret_cast<get_config_fn>(dlsym(blas, "openblas_get_config")) : nullptr;
    if (set_threads != nullptr && threads > 0) set_threads(threads);
    const char* config = get_config != nullptr ? get_config() : "not OpenBLAS (reference BLAS or unknown)";
    std::snprintf(buf, buflen, "%s", config);
    if (blas != nullptr) dlclose(blas);
    return get_config != nullptr ? 1 : 0;
}

}  // extern "C"
