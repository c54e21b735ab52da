#include "tests/ops/reference.h"

#include <cmath>
#include <random>

#include "graph/error.h"

namespace kiln::testing {
namespace {

std::vector<int64_t> Unravel(int64_t i, const Shape& s) {
  std::vector<int64_t> idx(s.rank());
  for (int d = s.rank() - 1; d >= 0; --d) {
    idx[d] = s[d] ? i % s[d] : 0;
    i = s[d] ? i / s[d] : 0;
  }
  return idx;
}

int64_t Ravel(const std::vector<int64_t>& idx, const Shape& s) {
  int64_t i = 0;
  for (int d = 0; d < s.rank(); ++d) i = i * s[d] + idx[d];
  return i;
}

// Index into `in` for output index `out_idx`, numpy broadcasting (right-aligned) or by `axes`.
int64_t BroadcastIndex(const std::vector<int64_t>& out_idx, const Shape& in,
                       const std::vector<int64_t>& axes = {}) {
  std::vector<int64_t> idx;
  if (!axes.empty()) {
    for (int d = 0; d < static_cast<int>(out_idx.size()); ++d)
      if (std::find(axes.begin(), axes.end(), d) == axes.end()) idx.push_back(out_idx[d]);
  } else {
    idx.assign(out_idx.end() - in.rank(), out_idx.end());
  }
  for (int d = 0; d < in.rank(); ++d)
    if (in[d] == 1) idx[d] = 0;
  return Ravel(idx, in);
}

std::vector<double> AsDoubles(const Tensor& t) { return t.astype(kFloat64).ToVector<double>(); }

Tensor FromDoubles(const std::vector<double>& v, const Shape& s, DType out = kFloat64) {
  return Tensor::FromVector<double>(v, s).astype(out);
}

Shape BroadcastShape(const Shape& a, const Shape& b) {
  int r = std::max(a.rank(), b.rank());
  std::vector<int64_t> d(r);
  for (int i = 0; i < r; ++i) {
    int64_t x = i < r - a.rank() ? 1 : a[i - (r - a.rank())];
    int64_t y = i < r - b.rank() ? 1 : b[i - (r - b.rank())];
    d[i] = x == 1 ? y : x;
  }
  return Shape(d);
}

}  // namespace

Reference RefUnary(std::function<double(double)> f) {
  return [f](std::span<const Tensor> in, const AttrMap&) {
    auto x = AsDoubles(in[0]);
    for (double& v : x) v = f(v);
    return std::vector<Tensor>{FromDoubles(x, in[0].shape())};
  };
}

Reference RefBinary(std::function<double(double, double)> f, DType out) {
  return [f, out](std::span<const Tensor> in, const AttrMap&) {
    Shape s = BroadcastShape(in[0].shape(), in[1].shape());
    auto a = AsDoubles(in[0]), b = AsDoubles(in[1]);
    std::vector<double> y(s.NumElements());
    for (int64_t i = 0; i < s.NumElements(); ++i) {
      auto idx = Unravel(i, s);
      y[i] = f(a[BroadcastIndex(idx, in[0].shape())], b[BroadcastIndex(idx, in[1].shape())]);
    }
    DType dt = out == kFloat64 && !IsFloating(in[0].dtype()) ? in[0].dtype() : out;
    return std::vector<Tensor>{FromDoubles(y, s, dt)};
  };
}

Reference RefMatMul() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    bool ta = at.Get<bool>("transpose_a"), tb = at.Get<bool>("transpose_b");
    auto a = AsDoubles(in[0]), b = AsDoubles(in[1]);
    int64_t ar = in[0].dim(0), ac = in[0].dim(1), br = in[1].dim(0), bc = in[1].dim(1);
    int64_t m = ta ? ac : ar, k = ta ? ar : ac, n = tb ? br : bc;
    std::vector<double> c(m * n, 0.0);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        for (int64_t p = 0; p < k; ++p) {
          double x = ta ? a[p * ac + i] : a[i * ac + p];
          double y = tb ? b[j * bc + p] : b[p * bc + j];
          c[i * n + j] += x * y;
        }
    return std::vector<Tensor>{FromDoubles(c, Shape{m, n})};
  };
}

Reference RefBiasAdd() {
  return RefBinary([](double a, double b) { return a + b; });
}

Reference RefReduce(char kind) {
  return [kind](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& s = in[0].shape();
    auto axes = at.Get<std::vector<int64_t>>("axes");
    std::vector<bool> red(s.rank(), axes.empty());
    for (int64_t a : axes) red[a < 0 ? a + s.rank() : a] = true;
    std::vector<int64_t> kept, out_dims;
    for (int d = 0; d < s.rank(); ++d) {
      if (!red[d]) kept.push_back(s[d]);
      if (!red[d])
        out_dims.push_back(s[d]);
      else if (at.Get<bool>("keep_dims"))
        out_dims.push_back(1);
    }
    Shape ks(kept);
    std::vector<double> acc(ks.NumElements(), kind == 'x' ? -INFINITY : 0.0);
    std::vector<int64_t> count(ks.NumElements(), 0);
    auto x = AsDoubles(in[0]);
    for (int64_t i = 0; i < s.NumElements(); ++i) {
      auto idx = Unravel(i, s);
      std::vector<int64_t> k;
      for (int d = 0; d < s.rank(); ++d)
        if (!red[d]) k.push_back(idx[d]);
      int64_t o = Ravel(k, ks);
      acc[o] = kind == 'x' ? std::max(acc[o], x[i]) : acc[o] + x[i];
      ++count[o];
    }
    if (kind == 'm')
      for (size_t o = 0; o < acc.size(); ++o) acc[o] /= count[o];
    DType dt = IsFloating(in[0].dtype()) ? kFloat64 : in[0].dtype();
    return std::vector<Tensor>{FromDoubles(acc, Shape(out_dims), dt)};
  };
}

Reference RefArgMax() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& s = in[0].shape();
    int axis = static_cast<int>(at.Get<int64_t>("axis"));
    if (axis < 0) axis += s.rank();
    std::vector<int64_t> od = s.dims();
    od.erase(od.begin() + axis);
    Shape os(od);
    auto x = AsDoubles(in[0]);
    std::vector<double> best(os.NumElements(), -INFINITY), arg(os.NumElements(), 0);
    for (int64_t i = 0; i < s.NumElements(); ++i) {
      auto idx = Unravel(i, s);
      int64_t k = idx[axis];
      idx.erase(idx.begin() + axis);
      int64_t o = Ravel(idx, os);
      if (x[i] > best[o]) best[o] = x[i], arg[o] = static_cast<double>(k);
    }
    return std::vector<Tensor>{FromDoubles(arg, os, kInt64)};
  };
}

Reference RefSoftmax(bool log) {
  return [log](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& s = in[0].shape();
    int axis = static_cast<int>(at.Get<int64_t>("axis"));
    if (axis < 0) axis += s.rank();
    auto x = AsDoubles(in[0]);
    std::vector<double> y(x.size());
    for (int64_t i = 0; i < s.NumElements(); ++i) {
      auto idx = Unravel(i, s);
      double sum = 0;
      for (int64_t k = 0; k < s[axis]; ++k) {
        idx[axis] = k;
        sum += std::exp(x[Ravel(idx, s)]);
      }
      y[i] = log ? x[i] - std::log(sum) : std::exp(x[i]) / sum;
    }
    return std::vector<Tensor>{FromDoubles(y, s)};
  };
}

Reference RefSoftmaxCrossEntropy() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    int64_t n = in[0].dim(0), c = in[0].dim(1);
    auto x = AsDoubles(in[0]), z = AsDoubles(in[1]);
    std::vector<double> loss(n), back(n * c);
    for (int64_t r = 0; r < n; ++r) {
      double sum = 0;
      for (int64_t j = 0; j < c; ++j) sum += std::exp(x[r * c + j]);
      for (int64_t j = 0; j < c; ++j) {
        double p = std::exp(x[r * c + j]) / sum;
        loss[r] -= z[r * c + j] * std::log(p);
        back[r * c + j] = p - z[r * c + j];
      }
    }
    return std::vector<Tensor>{FromDoubles(loss, Shape{n}), FromDoubles(back, Shape{n, c})};
  };
}

Reference RefReshape() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    Shape out = in.size() > 1 ? in[1].shape() : Shape(at.Get<std::vector<int64_t>>("shape"));
    for (int d = 0; d < out.rank(); ++d)
      if (out[d] == -1) {
        int64_t known = 1;
        for (int e = 0; e < out.rank(); ++e)
          if (e != d) known *= out[e];
        out[d] = in[0].num_elements() / known;
      }
    return std::vector<Tensor>{FromDoubles(AsDoubles(in[0]), out)};
  };
}

Reference RefTranspose() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    auto perm = at.Get<std::vector<int64_t>>("perm");
    const Shape& s = in[0].shape();
    std::vector<int64_t> od(s.rank());
    for (int d = 0; d < s.rank(); ++d) od[d] = s[static_cast<int>(perm[d])];
    Shape os(od);
    auto x = AsDoubles(in[0]);
    std::vector<double> y(x.size());
    for (int64_t i = 0; i < os.NumElements(); ++i) {
      auto oi = Unravel(i, os);
      std::vector<int64_t> ii(s.rank());
      for (int d = 0; d < s.rank(); ++d) ii[perm[d]] = oi[d];
      y[i] = x[Ravel(ii, s)];
    }
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

int AxisAttr(const AttrMap& at, int rank) {
  int64_t axis = at.Get<int64_t>("axis");
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

Reference RefConcat() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const int axis = AxisAttr(at, in[0].rank());
    std::vector<int64_t> od = in[0].shape().dims();
    od[axis] = 0;
    for (const Tensor& t : in) od[axis] += t.dim(axis);
    Shape os(od);
    std::vector<double> y(os.NumElements());
    for (int64_t i = 0; i < os.NumElements(); ++i) {
      auto idx = Unravel(i, os);
      size_t k = 0;
      while (idx[axis] >= in[k].dim(axis)) idx[axis] -= in[k++].dim(axis);
      y[i] = AsDoubles(in[k])[Ravel(idx, in[k].shape())];
    }
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

Reference RefSlice() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const int axis = AxisAttr(at, in[0].rank());
    std::vector<int64_t> od = in[0].shape().dims();
    od[axis] = at.Get<int64_t>("size");
    Shape os(od);
    auto x = AsDoubles(in[0]);
    std::vector<double> y(os.NumElements());
    for (int64_t i = 0; i < os.NumElements(); ++i) {
      auto idx = Unravel(i, os);
      idx[axis] += at.Get<int64_t>("begin");
      y[i] = x[Ravel(idx, in[0].shape())];
    }
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

Reference RefSliceGrad() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& os = in[1].shape();
    const int axis = AxisAttr(at, os.rank());
    auto dy = AsDoubles(in[0]);
    std::vector<double> y(os.NumElements(), 0.0);
    for (int64_t i = 0; i < in[0].num_elements(); ++i) {
      auto idx = Unravel(i, in[0].shape());
      idx[axis] += at.Get<int64_t>("begin");
      y[Ravel(idx, os)] = dy[i];
    }
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

Reference RefCast() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    DType to = at.Get<DType>("dtype");
    Tensor out(to, in[0].shape());
    DispatchDType(in[0].dtype(), [&](auto from_tag) {
      using From = decltype(from_tag);
      DispatchDType(to, [&](auto to_tag) {
        using To = decltype(to_tag);
        for (int64_t i = 0; i < out.num_elements(); ++i)
          out.data<To>()[i] = static_cast<To>(in[0].data<From>()[i]);
      });
    });
    return std::vector<Tensor>{out};
  };
}

Reference RefOneHot() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    int64_t depth = at.Get<int64_t>("depth");
    auto idx = AsDoubles(in[0]);
    std::vector<int64_t> od = in[0].shape().dims();
    od.push_back(depth);
    std::vector<double> y(idx.size() * depth, at.Get<double>("off_value"));
    for (size_t i = 0; i < idx.size(); ++i)
      if (idx[i] >= 0 && idx[i] < depth)
        y[i * depth + static_cast<int64_t>(idx[i])] = at.Get<double>("on_value");
    return std::vector<Tensor>{FromDoubles(y, Shape(od), at.Get<DType>("dtype"))};
  };
}

Reference RefGather() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    const auto params = AsDoubles(in[0]), idx = AsDoubles(in[1]);
    const int64_t width = in[0].num_elements() / in[0].shape()[0];
    std::vector<int64_t> od = in[1].shape().dims();
    od.insert(od.end(), in[0].shape().dims().begin() + 1, in[0].shape().dims().end());
    std::vector<double> y;
    for (double i : idx)
      for (int64_t j = 0; j < width; ++j) y.push_back(params[static_cast<int64_t>(i) * width + j]);
    return std::vector<Tensor>{FromDoubles(y, Shape(od))};
  };
}

Reference RefGatherGrad() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    const auto dy = AsDoubles(in[0]), idx = AsDoubles(in[1]);
    const int64_t width = in[2].num_elements() / in[2].shape()[0];
    std::vector<double> out(in[2].num_elements(), 0.0);
    for (size_t n = 0; n < idx.size(); ++n)
      for (int64_t j = 0; j < width; ++j)
        out[static_cast<int64_t>(idx[n]) * width + j] += dy[n * width + j];
    return std::vector<Tensor>{FromDoubles(out, in[2].shape())};
  };
}

Reference RefClip() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    double lo = at.Get<double>("min"), hi = at.Get<double>("max");
    return RefUnary([=](double v) { return std::min(std::max(v, lo), hi); })(in, at);
  };
}

Reference RefBroadcastToShapeOf() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& os = in[1].shape();
    auto axes = at.Get<std::vector<int64_t>>("axes");
    auto x = AsDoubles(in[0]);
    double scale = at.Get<bool>("mean") ? double(in[0].num_elements()) / os.NumElements() : 1.0;
    std::vector<double> y(os.NumElements());
    for (int64_t i = 0; i < os.NumElements(); ++i)
      y[i] = x[BroadcastIndex(Unravel(i, os), in[0].shape(), axes)] * scale;
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

Reference RefSumToShapeOf() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& s = in[0].shape();
    const Shape& os = in[1].shape();
    auto axes = at.Get<std::vector<int64_t>>("axes");
    auto x = AsDoubles(in[0]);
    std::vector<double> y(os.NumElements(), 0.0);
    for (int64_t i = 0; i < s.NumElements(); ++i)
      y[BroadcastIndex(Unravel(i, s), os, axes)] += x[i];
    if (at.Get<bool>("mean"))
      for (double& v : y) v *= double(os.NumElements()) / s.NumElements();
    return std::vector<Tensor>{FromDoubles(y, os)};
  };
}

Reference RefOnesLike() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    return std::vector<Tensor>{
        FromDoubles(std::vector<double>(in[0].num_elements(), 1.0), in[0].shape())};
  };
}

Reference RefIdentity() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    if (at.Has("value")) return std::vector<Tensor>{at.Get<Tensor>("value")};
    return std::vector<Tensor>{in[0]};
  };
}

Reference RefApplyGradientDescent() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    auto var = AsDoubles(in[0]), g = AsDoubles(in[2]);
    double lr = in[1].item<double>();
    for (size_t i = 0; i < var.size(); ++i) var[i] -= lr * g[i];
    return std::vector<Tensor>{FromDoubles(var, in[0].shape())};
  };
}

// Keras 2.3.1 SGD: v = m*v - lr*g; p += v (Nesterov: p += m*v - lr*g).
Reference RefApplyMomentum() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    auto p = AsDoubles(in[0]), v = AsDoubles(in[1]), g = AsDoubles(in[3]);
    double lr = in[2].item<double>(), m = in[4].item<double>();
    for (size_t i = 0; i < p.size(); ++i) {
      v[i] = m * v[i] - lr * g[i];
      p[i] += at.Get<bool>("use_nesterov") ? m * v[i] - lr * g[i] : v[i];
    }
    return std::vector<Tensor>{FromDoubles(p, in[0].shape()), FromDoubles(v, in[1].shape())};
  };
}

// Inverted dropout with the mask drawn from std::mt19937_64 seeded by the state, as documented:
// one draw per element of noise_shape (-1: x's dimension), broadcast over x.
Reference RefDropout() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    std::mt19937_64 gen(static_cast<uint64_t>(in[0].item<int64_t>()));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double rate = at.Get<double>("rate");
    const Shape& xs = in[1].shape();
    std::vector<int64_t> noise = at.GetOr<std::vector<int64_t>>("noise_shape", {});
    if (noise.empty()) noise = xs.dims();
    for (int d = 0; d < xs.rank(); ++d)
      if (noise[d] == -1) noise[d] = xs[d];
    const Shape ms(noise);
    std::vector<double> mask(ms.NumElements());
    for (double& m : mask) m = u(gen) >= rate ? 1.0 / (1.0 - rate) : 0.0;
    auto x = AsDoubles(in[1]);
    std::vector<double> y(x.size());
    for (int64_t i = 0; i < xs.NumElements(); ++i) {
      // The mask element of x's element i: x's index with broadcast dimensions at 0.
      int64_t rest = i, mi = 0, stride = 1;
      for (int d = xs.rank() - 1; d >= 0; --d) {
        const int64_t k = rest % xs[d];
        rest /= xs[d];
        if (ms[d] != 1) mi += k * stride;
        stride *= ms[d];
      }
      y[i] = x[i] * mask[mi];
    }
    return std::vector<Tensor>{FromDoubles(y, xs), FromDoubles(mask, ms)};
  };
}

// One std::normal_distribution draw per element, from std::mt19937_64 seeded by the state.
Reference RefRandomNormalLike() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    std::mt19937_64 gen(static_cast<uint64_t>(in[0].item<int64_t>()));
    std::normal_distribution<double> normal(at.Get<double>("mean"), at.Get<double>("stddev"));
    std::vector<double> y(in[1].num_elements());
    for (double& v : y) v = normal(gen);
    return std::vector<Tensor>{FromDoubles(y, in[1].shape())};
  };
}

double Activate(const std::string& act, double v) {
  if (act == "relu") return v > 0 ? v : 0;
  if (act == "sigmoid") return 1 / (1 + std::exp(-v));
  if (act == "tanh") return std::tanh(v);
  return v;
}

Reference RefFusedMatMul() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    std::vector<Tensor> mm =
        RefMatMul()(in.subspan(0, 2), AttrMap{{"transpose_a", false}, {"transpose_b", false}});
    auto y = AsDoubles(mm[0]), b = AsDoubles(in[2]);
    const std::string act = at.GetOr<std::string>("activation", "linear");
    for (size_t i = 0; i < y.size(); ++i) y[i] = Activate(act, y[i] + b[i % b.size()]);
    return std::vector<Tensor>{FromDoubles(y, mm[0].shape())};
  };
}

Reference RefFusedActivationBiasGrad() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    auto dy = AsDoubles(in[0]), y = AsDoubles(in[1]);
    const std::string act = at.Get<std::string>("activation");
    const int64_t cols = in[0].dim(1);
    std::vector<double> dz(dy.size()), db(cols, 0.0);
    for (size_t i = 0; i < dy.size(); ++i) {
      double d = act == "relu"      ? (y[i] > 0 ? 1 : 0)
                 : act == "sigmoid" ? y[i] * (1 - y[i])
                                    : 1 - y[i] * y[i];
      dz[i] = dy[i] * d;
      db[i % cols] += dz[i];
    }
    return std::vector<Tensor>{FromDoubles(dz, in[0].shape()), FromDoubles(db, Shape{cols})};
  };
}

namespace {

// Naive NHWC convolution geometry: for output (n, oy, ox), tap (ky, kx) reads input (iy, ix) or
// nothing (padding).
struct ConvRef {
  int64_t n, h, w, c, kh, kw, sh, sw, dh, dw, oh, ow, top, left;
  ConvRef(const Shape& x, int64_t kh_, int64_t kw_, const AttrMap& at) {
    const auto st = at.Get<std::vector<int64_t>>("strides");
    const auto dil = at.GetOr<std::vector<int64_t>>("dilations", {1, 1});
    const bool same = at.Get<std::string>("padding") == "same";
    n = x[0], h = x[1], w = x[2], c = x[3], kh = kh_, kw = kw_, sh = st[0], sw = st[1];
    dh = dil[0], dw = dil[1];
    const int64_t span_h = (kh - 1) * dh + 1, span_w = (kw - 1) * dw + 1;
    oh = same ? (h + sh - 1) / sh : (h - span_h) / sh + 1;
    ow = same ? (w + sw - 1) / sw : (w - span_w) / sw + 1;
    top = same ? std::max<int64_t>((oh - 1) * sh + span_h - h, 0) / 2 : 0;
    left = same ? std::max<int64_t>((ow - 1) * sw + span_w - w, 0) / 2 : 0;
  }
  // Input flat index for a tap, or -1 in the padding (channel 0; add the channel).
  int64_t At(int64_t b, int64_t oy, int64_t ox, int64_t ky, int64_t kx) const {
    const int64_t iy = oy * sh + ky * dh - top, ix = ox * sw + kx * dw - left;
    if (iy < 0 || iy >= h || ix < 0 || ix >= w) return -1;
    return ((b * h + iy) * w + ix) * c;
  }
  // Calls fn(input index, output index, filter index) for every product of a depthwise
  // convolution with channel multiplier m (outputs channel ch * m + j).
  template <typename Fn>
  void ForEachDepthwise(int64_t m, Fn fn) const {
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox)
          for (int64_t ky = 0; ky < kh; ++ky)
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t base = At(b, oy, ox, ky, kx);
              if (base < 0) continue;
              for (int64_t ch = 0; ch < c; ++ch)
                for (int64_t j = 0; j < m; ++j)
                  fn(base + ch, ((b * oh + oy) * ow + ox) * c * m + ch * m + j,
                     ((ky * kw + kx) * c + ch) * m + j);
            }
  }
};

}  // namespace

Reference RefConv2D() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[1].shape();
    ConvRef g(in[0].shape(), fs[0], fs[1], at);
    const int64_t f = fs[3];
    auto x = AsDoubles(in[0]), k = AsDoubles(in[1]);
    std::vector<double> y(g.n * g.oh * g.ow * f, 0.0);
    for (int64_t b = 0; b < g.n; ++b)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          for (int64_t o = 0; o < f; ++o) {
            double s = 0;
            for (int64_t ky = 0; ky < g.kh; ++ky)
              for (int64_t kx = 0; kx < g.kw; ++kx) {
                const int64_t base = g.At(b, oy, ox, ky, kx);
                if (base < 0) continue;
                for (int64_t ch = 0; ch < g.c; ++ch)
                  s += x[base + ch] * k[((ky * g.kw + kx) * g.c + ch) * f + o];
              }
            y[((b * g.oh + oy) * g.ow + ox) * f + o] = s;
          }
    return std::vector<Tensor>{FromDoubles(y, Shape{g.n, g.oh, g.ow, f})};
  };
}

// dL/dx and dL/dfilter of sum(y * dy), from the definition above.
Reference RefConv2DBackpropInput() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[1].shape();
    ConvRef g(in[2].shape(), fs[0], fs[1], at);
    const int64_t f = fs[3];
    auto dy = AsDoubles(in[0]), k = AsDoubles(in[1]);
    std::vector<double> dx(in[2].num_elements(), 0.0);
    for (int64_t b = 0; b < g.n; ++b)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t base = g.At(b, oy, ox, ky, kx);
              if (base < 0) continue;
              for (int64_t ch = 0; ch < g.c; ++ch)
                for (int64_t o = 0; o < f; ++o)
                  dx[base + ch] += dy[((b * g.oh + oy) * g.ow + ox) * f + o] *
                                   k[((ky * g.kw + kx) * g.c + ch) * f + o];
            }
    return std::vector<Tensor>{FromDoubles(dx, in[2].shape())};
  };
}

// Conv2DBackpropInput with x as dy, into an image of output_size.
Reference RefConv2DTranspose() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const auto size = at.Get<std::vector<int64_t>>("output_size");
    const Tensor like(kFloat64, Shape{in[0].dim(0), size[0], size[1], in[1].dim(2)});
    const std::vector<Tensor> args = {in[0], in[1], like};
    return RefConv2DBackpropInput()(args, at);
  };
}

Reference RefConv2DBackpropFilter() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[2].shape();
    ConvRef g(in[0].shape(), fs[0], fs[1], at);
    const int64_t f = fs[3];
    auto x = AsDoubles(in[0]), dy = AsDoubles(in[1]);
    std::vector<double> dk(in[2].num_elements(), 0.0);
    for (int64_t b = 0; b < g.n; ++b)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t base = g.At(b, oy, ox, ky, kx);
              if (base < 0) continue;
              for (int64_t ch = 0; ch < g.c; ++ch)
                for (int64_t o = 0; o < f; ++o)
                  dk[((ky * g.kw + kx) * g.c + ch) * f + o] +=
                      x[base + ch] * dy[((b * g.oh + oy) * g.ow + ox) * f + o];
            }
    return std::vector<Tensor>{FromDoubles(dk, in[2].shape())};
  };
}

Reference RefDepthwiseConv2D() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[1].shape();
    ConvRef g(in[0].shape(), fs[0], fs[1], at);
    auto x = AsDoubles(in[0]), k = AsDoubles(in[1]);
    std::vector<double> y(g.n * g.oh * g.ow * g.c * fs[3], 0.0);
    g.ForEachDepthwise(fs[3], [&](int64_t i, int64_t o, int64_t f) { y[o] += x[i] * k[f]; });
    return std::vector<Tensor>{FromDoubles(y, Shape{g.n, g.oh, g.ow, g.c * fs[3]})};
  };
}

Reference RefDepthwiseConv2DBackpropInput() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[1].shape();
    ConvRef g(in[2].shape(), fs[0], fs[1], at);
    auto dy = AsDoubles(in[0]), k = AsDoubles(in[1]);
    std::vector<double> dx(in[2].num_elements(), 0.0);
    g.ForEachDepthwise(fs[3], [&](int64_t i, int64_t o, int64_t f) { dx[i] += dy[o] * k[f]; });
    return std::vector<Tensor>{FromDoubles(dx, in[2].shape())};
  };
}

Reference RefDepthwiseConv2DBackpropFilter() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const Shape& fs = in[2].shape();
    ConvRef g(in[0].shape(), fs[0], fs[1], at);
    auto x = AsDoubles(in[0]), dy = AsDoubles(in[1]);
    std::vector<double> dk(in[2].num_elements(), 0.0);
    g.ForEachDepthwise(fs[3], [&](int64_t i, int64_t o, int64_t f) { dk[f] += x[i] * dy[o]; });
    return std::vector<Tensor>{FromDoubles(dk, in[2].shape())};
  };
}

Reference RefPad() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const auto p = at.Get<std::vector<int64_t>>("paddings");
    const Shape& xs = in[0].shape();
    std::vector<int64_t> od = xs.dims();
    for (int d = 0; d < xs.rank(); ++d) od[d] += p[2 * d] + p[2 * d + 1];
    const Shape out(od);
    auto x = AsDoubles(in[0]);
    std::vector<double> y(out.NumElements(), 0.0);
    for (int64_t i = 0; i < xs.NumElements(); ++i) {
      int64_t rest = i, at_out = 0, stride = 1;
      for (int d = xs.rank() - 1; d >= 0; --d) {
        at_out += (rest % xs[d] + p[2 * d]) * stride;
        rest /= xs[d];
        stride *= out[d];
      }
      y[at_out] = x[i];
    }
    return std::vector<Tensor>{FromDoubles(y, out)};
  };
}

namespace {
// The flat input index of each window's first maximum, per output element.
std::vector<int64_t> PoolArgMax(const Tensor& x, const AttrMap& at, Shape& out) {
  const auto p = at.Get<std::vector<int64_t>>("pool_size");
  ConvRef g(x.shape(), p[0], p[1], at);
  out = Shape{g.n, g.oh, g.ow, g.c};
  auto v = AsDoubles(x);
  std::vector<int64_t> arg;
  for (int64_t b = 0; b < g.n; ++b)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t ch = 0; ch < g.c; ++ch) {
          int64_t best = -1;
          for (int64_t ky = 0; ky < g.kh; ++ky)
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t base = g.At(b, oy, ox, ky, kx);
              if (base >= 0 && (best < 0 || v[base + ch] > v[best])) best = base + ch;
            }
          arg.push_back(best);
        }
  return arg;
}
}  // namespace

Reference RefMaxPool2D() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    Shape out;
    auto arg = PoolArgMax(in[0], at, out);
    auto v = AsDoubles(in[0]);
    std::vector<double> y;
    for (int64_t i : arg) y.push_back(v[i]);
    return std::vector<Tensor>{FromDoubles(y, out)};
  };
}

Reference RefMaxPool2DGrad() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    Shape out;
    auto arg = PoolArgMax(in[0], at, out);
    auto dy = AsDoubles(in[1]);
    std::vector<double> dx(in[0].num_elements(), 0.0);
    for (size_t o = 0; o < arg.size(); ++o) dx[arg[o]] += dy[o];
    return std::vector<Tensor>{FromDoubles(dx, in[0].shape())};
  };
}

namespace {
// Each output's window pixels inside the image, as flat input indices (channel 0).
std::vector<std::vector<int64_t>> PoolWindows(const Shape& x, const AttrMap& at, Shape& out) {
  const auto p = at.Get<std::vector<int64_t>>("pool_size");
  ConvRef g(x, p[0], p[1], at);
  out = Shape{g.n, g.oh, g.ow, g.c};
  std::vector<std::vector<int64_t>> windows;
  for (int64_t b = 0; b < g.n; ++b)
    for (int64_t oy = 0; oy < g.oh; ++oy)
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        windows.emplace_back();
        for (int64_t ky = 0; ky < g.kh; ++ky)
          for (int64_t kx = 0; kx < g.kw; ++kx)
            if (const int64_t base = g.At(b, oy, ox, ky, kx); base >= 0)
              windows.back().push_back(base);
      }
  return windows;
}
}  // namespace

Reference RefAvgPool2D() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    Shape out;
    const auto windows = PoolWindows(in[0].shape(), at, out);
    const int64_t c = in[0].dim(3);
    auto x = AsDoubles(in[0]);
    std::vector<double> y;
    for (const auto& w : windows)
      for (int64_t ch = 0; ch < c; ++ch) {
        double s = 0;
        for (int64_t base : w) s += x[base + ch];
        y.push_back(s / static_cast<double>(w.size()));
      }
    return std::vector<Tensor>{FromDoubles(y, out)};
  };
}

Reference RefAvgPool2DGrad() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    Shape out;
    const auto windows = PoolWindows(in[1].shape(), at, out);
    const int64_t c = in[1].dim(3);
    auto dy = AsDoubles(in[0]);
    std::vector<double> dx(in[1].num_elements(), 0.0);
    for (size_t o = 0; o < windows.size(); ++o)
      for (int64_t base : windows[o])
        for (int64_t ch = 0; ch < c; ++ch)
          dx[base + ch] += dy[o * c + ch] / static_cast<double>(windows[o].size());
    return std::vector<Tensor>{FromDoubles(dx, in[1].shape())};
  };
}

Reference RefAssignMovingAverage() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    const double m = at.Get<double>("momentum");
    auto var = AsDoubles(in[0]), v = AsDoubles(in[1]);
    for (size_t i = 0; i < var.size(); ++i) var[i] = m * var[i] + (1 - m) * v[i];
    return std::vector<Tensor>{FromDoubles(var, in[0].shape())};
  };
}

// Keras's RMSprop and Adam in float64, where the two rule sets differ only in RMSprop's epsilon.
Reference RefApplyRMSProp() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    auto p = AsDoubles(in[0]), a = AsDoubles(in[1]), g = AsDoubles(in[3]);
    const double lr = in[2].item<double>(), rho = at.Get<double>("rho"),
                 eps = at.Get<double>("epsilon");
    const bool keras3 = at.GetOr<std::string>("rules", "keras2") == "keras3";
    for (size_t i = 0; i < p.size(); ++i) {
      a[i] = rho * a[i] + (1 - rho) * g[i] * g[i];
      p[i] -= keras3 ? lr * g[i] / std::sqrt(a[i] + eps) : lr * g[i] / (std::sqrt(a[i]) + eps);
    }
    return std::vector<Tensor>{FromDoubles(p, in[0].shape()), FromDoubles(a, in[1].shape())};
  };
}

// Adam's "epsilon-hat" form, at step iterations + 1 (iterations is read, not written).
Reference RefApplyAdam() {
  return [](std::span<const Tensor> in, const AttrMap& at) {
    auto p = AsDoubles(in[0]), m = AsDoubles(in[1]), v = AsDoubles(in[2]), g = AsDoubles(in[5]);
    const double t = AsDoubles(in[3])[0] + 1, lr = in[4].item<double>();
    const double b1 = at.Get<double>("beta_1"), b2 = at.Get<double>("beta_2"),
                 eps = at.Get<double>("epsilon");
    const double lr_t = lr * std::sqrt(1 - std::pow(b2, t)) / (1 - std::pow(b1, t));
    for (size_t i = 0; i < p.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] -= lr_t * m[i] / (std::sqrt(v[i]) + eps);
    }
    return std::vector<Tensor>{FromDoubles(p, in[0].shape()), FromDoubles(m, in[1].shape()),
                               FromDoubles(v, in[2].shape())};
  };
}

Reference RefAssignAdd() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    auto var = AsDoubles(in[0]), d = AsDoubles(in[1]);
    for (size_t i = 0; i < var.size(); ++i) var[i] += d[i];
    return std::vector<Tensor>{FromDoubles(var, in[0].shape(), in[0].dtype())};
  };
}

Reference RefAssign() {
  return [](std::span<const Tensor> in, const AttrMap&) {
    return std::vector<Tensor>{FromDoubles(AsDoubles(in[1]), in[0].shape(), in[0].dtype())};
  };
}

}  // namespace kiln::testing
