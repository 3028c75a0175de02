// Sequential container and summary() (see sequential.h).
#include "cnn/nn/sequential.h"

#include <iomanip>
#include <sstream>

namespace cnn::nn {

Sequential::Sequential(std::initializer_list<ModulePtr> modules) {
  for (const ModulePtr& m : modules) push_back(m);
}

Sequential& Sequential::push_back(ModulePtr module) {
  add_child(std::to_string(children().size()), std::move(module));
  return *this;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (const auto& [name, child] : children()) h = child->forward(h);
  return h;
}

Shape Sequential::output_shape(const Shape& input) const {
  Shape s = input;
  for (const auto& [name, child] : children()) s = child->output_shape(s);
  return s;
}

std::string format_count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string Sequential::summary(const Shape& input_shape) const {
  std::ostringstream os;
  const std::string rule(94, '-');
  os << rule << "\n"
     << std::left << std::setw(4) << "#" << std::setw(56) << "Layer" << std::setw(20)
     << "Output shape" << std::right << std::setw(14) << "Params"
     << "\n"
     << rule << "\n";
  Shape s = input_shape;
  os << std::left << std::setw(4) << "" << std::setw(56) << "Input" << shape_str(s) << "\n";
  for (const auto& [name, child] : children()) {
    s = child->output_shape(s);
    std::string layer = child->type_name() + "(" + child->extra_repr() + ")";
    if (layer.size() > 55) layer = layer.substr(0, 52) + "...";
    os << std::left << std::setw(4) << name << std::setw(56) << layer << std::setw(20)
       << shape_str(s) << std::right << std::setw(14) << format_count(child->num_parameters())
       << "\n";
  }
  os << rule << "\nTotal parameters: " << format_count(num_parameters()) << "\n";
  return os.str();
}

}  // namespace cnn::nn
