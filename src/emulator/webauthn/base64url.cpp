#include "emulator/webauthn/base64url.h"

namespace plainkey::emulator::base64url {

QString encode(const QByteArray &data)
{
    return QString::fromLatin1(data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<QByteArray> decode(const QString &text)
{
    // Qt's decoder in url mode still takes some characters outside the alphabet in some
    // versions; checking the alphabet here makes the rule ours, not the library's.
    qsizetype end = text.size();
    while (end > 0 && text.at(end - 1) == QLatin1Char('='))
        --end;
    if (text.size() - end > 2)
        return std::nullopt;
    for (qsizetype i = 0; i < end; ++i) {
        const char16_t c = text.at(i).unicode();
        const bool ok = (c >= u'A' && c <= u'Z') || (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-' || c == u'_';
        if (!ok)
            return std::nullopt;
    }
    // A single character left over encodes fewer than 8 bits: no byte string has that length.
    if (end % 4 == 1)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(text.left(end).toLatin1(),
                                                        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

} // namespace plainkey::emulator::base64url
