# Fails unless docs/api.md contains tests/core/api_doc_example.cpp verbatim as a ```cpp block, so
# the program in the documentation is the one CI compiles and runs. Inputs: DOC, SOURCE.
file(READ ${DOC} doc)
file(READ ${SOURCE} source)
string(FIND "${doc}" "```cpp\n${source}```" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} does not show ${SOURCE} verbatim in a ```cpp block; "
                      "copy the file into the doc (or the doc's program into the file)")
endif()
message(STATUS "${DOC} shows ${SOURCE} verbatim")
