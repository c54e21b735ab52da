// Kiln's exception hierarchy. Every error a user can trigger derives from kiln::Error, and its
// message names what is at fault (op, node, layer, shape, file path).
//
//   try { model.fit(x, y); } catch (const kiln::Error& e) { std::cerr << e.what(); }
#pragma once

#include <stdexcept>
#include <string>

namespace kiln {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
// Shapes that do not fit together, at graph-build time or at run time.
class ShapeError : public Error {
 public:
  using Error::Error;
};
// A dtype an op or feed does not accept.
class TypeError : public Error {
 public:
  using Error::Error;
};
// A name (op, node, layer, variable, activation, loss ...) that is not known.
class NotFoundError : public Error {
 public:
  using Error::Error;
};
// A value that is out of range or otherwise invalid (labels, options, feeds).
class ValueError : public Error {
 public:
  using Error::Error;
};
// Files: missing, unreadable, corrupt or not writable.
class IOError : public Error {
 public:
  using Error::Error;
};

}  // namespace kiln
