// The test is that readme_snippets.cc compiles and links; this checks the extraction found them.
#include <cstdio>

extern int kReadmeSnippets;

int main() {
  std::printf("%d README snippets compiled and linked\n", kReadmeSnippets);
  return kReadmeSnippets >= 8 ? 0 : 1;
}
