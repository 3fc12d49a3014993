// UserImportList::parse on any file. The first line names the file ("users.csv", "names.txt"
// or empty), which helps the reader choose between CSV and one name per line.

#include "fuzzcommon.h"

#include "core/users/userimportlist.h"

using namespace plainkey;

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::quietQt();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::Input in(data, size);
    const QString fileName = QString::fromUtf8(in.field());
    const UserImportList list = UserImportList::parse(in.rest(), fileName);
    (void)list.count(ImportRow::Status::Invalid);
    (void)UserImportList::reportCsv(list.rows);
    for (const ImportRow &row : list.rows) {
        if (row.line < 1)
            __builtin_trap(); // every row names the line it came from
    }
    return 0;
}
