#include "core/log/personaldatamasker.h"

#include "core/log/redactor.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cstring>

namespace plainkey {

namespace {

// Raw forms shorter than this must stand alone (not inside a longer word) to be masked: a
// user called "ada" must not turn "adapter" into "name-1pter".
constexpr int kBoundaryBelow = 8;
// Largest body searched by shape; a longer one is searched for known values only (patterns over
// megabytes of base64 would cost more than they find).
constexpr qsizetype kMaxPatternBytes = 4 * 1024 * 1024;

const QRegularExpression &emailPattern()
{
    static const QRegularExpression re(QStringLiteral(
            R"re((?<![A-Za-z0-9._%+-])[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![A-Za-z0-9-]))re"));
    return re;
}

const QRegularExpression &percentEmailPattern()
{
    // The same address in a query string or path: '@' as %40.
    static const QRegularExpression re(QStringLiteral(
            R"re((?<![A-Za-z0-9._+-])((?:[A-Za-z0-9._+-]|%[0-9A-Fa-f]{2}){1,64})%40([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24})(?![A-Za-z0-9-]))re"));
    return re;
}

const QRegularExpression &userIdPattern()
{
    static const QRegularExpression re(QStringLiteral(R"re((?<![A-Za-z0-9_])usr_[A-Za-z0-9]{8,64}(?![A-Za-z0-9_]))re"));
    return re;
}

const QRegularExpression &ipv4Pattern()
{
    static const QRegularExpression re(QStringLiteral(R"re((?<![0-9A-Za-z_.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z_]|\.[0-9]))re"));
    return re;
}

const QRegularExpression &ipv6Pattern()
{
    // Candidates only: hex digits and colons with at least two colons (and an IPv4 tail);
    // QHostAddress decides. Times ("19:51:06") and C++ scopes ("a::b") do not pass.
    static const QRegularExpression re(QStringLiteral(
            R"re((?<![0-9A-Za-z_:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3}(?![0-9A-Za-z_:]))re"));
    return re;
}

quint32 prefix4(const char *p)
{
    quint32 v;
    std::memcpy(&v, p, 4);
    return v;
}

bool isWordByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool looksLikeEmail(const QString &value)
{
    const auto m = emailPattern().match(value);
    return m.hasMatch() && m.capturedStart() == 0 && m.capturedLength() == value.size();
}

// "ada@example.com" -> "a•••@e•••.com": enough to tell a person's address from a colleague's
// in a bundle, not enough to write to them.
QString maskedEmail(const QString &email, int number)
{
    const qsizetype at = email.lastIndexOf(QLatin1Char('@'));
    const QString local = email.left(at);
    const QString domain = email.mid(at + 1);
    const qsizetype dot = domain.lastIndexOf(QLatin1Char('.'));
    const QString bullets = QStringLiteral("\u2022\u2022\u2022");
    QString out = local.left(1) + bullets;
    if (number > 1)
        out += QString::number(number);
    out += QLatin1Char('@') + domain.left(1) + bullets + domain.mid(dot);
    return out;
}

bool isUserPath(const QString &path)
{
    static const QRegularExpression re(QStringLiteral(R"re(/user(?:/[^/]+)?/?$)re"));
    return re.match(path).hasMatch() && !path.contains(QLatin1String("/credential"));
}

} // namespace

bool PersonalDataMasker::isUserIdShaped(QStringView text)
{
    const auto m = userIdPattern().match(text.toString());
    return m.hasMatch() && m.capturedStart() == 0 && m.capturedLength() == text.size();
}

bool PersonalDataMasker::isMaskableIp(const QString &text)
{
    const QHostAddress address(text);
    if (address.isNull())
        return false;
    return !address.isLoopback() && address != QHostAddress(QHostAddress::AnyIPv4) && address != QHostAddress(QHostAddress::AnyIPv6);
}

QString PersonalDataMasker::normalized(Kind kind, const QString &value)
{
    if (kind == Kind::IpAddress) {
        const QHostAddress address(value);
        bool mapped = false;
        // ::ffff:198.51.100.9 is 198.51.100.9: one address, one placeholder.
        const quint32 v4 = address.toIPv4Address(&mapped);
        if (mapped)
            return QHostAddress(v4).toString();
        return address.isNull() ? value : address.toString();
    }
    // Mail domains and PlainKey's user names compare case-insensitively often enough that two
    // spellings of one address must not look like two people.
    return value.contains(QLatin1Char('@')) ? value.toLower() : value;
}

QString PersonalDataMasker::placeholderFor(Kind kind, const QString &value)
{
    const QString key = normalized(kind, value);
    const auto it = m_placeholders.constFind(key);
    if (it != m_placeholders.cend())
        return *it;
    QString placeholder;
    if (kind == Kind::IpAddress) {
        placeholder = QStringLiteral("ip-%1").arg(++m_ips);
    } else if (looksLikeEmail(key)) {
        for (int n = 1;; ++n) {
            placeholder = maskedEmail(key, n);
            if (!m_usedPlaceholders.contains(placeholder))
                break;
        }
    } else if (kind == Kind::UserId || isUserIdShaped(key)) {
        placeholder = QStringLiteral("user-%1").arg(++m_userIds);
    } else {
        placeholder = QStringLiteral("name-%1").arg(++m_userNames);
    }
    m_usedPlaceholders.insert(placeholder);
    m_placeholders.insert(key, placeholder);
    return placeholder;
}

void PersonalDataMasker::addKnown(Kind kind, const QString &value)
{
    if (value.isEmpty() || m_known.contains(value))
        return;
    // A placeholder is never personal data: masking text twice must not mask the masks.
    if (m_usedPlaceholders.contains(value))
        return;
    m_known.insert(value);
    const QByteArray placeholder = placeholderFor(kind, value).toUtf8();
    const QByteArray utf8 = value.toUtf8();
    if (utf8.size() < 4) {
        // Too short to find safely in running text: masked as a whole JSON string, and as a
        // word of its own when three bytes long.
        m_shortForms.append({'"' + utf8 + '"', '"' + placeholder + '"', false});
        if (utf8.size() == 3)
            m_shortForms.append({utf8, placeholder, true});
        return;
    }
    QList<QByteArray> forms = Redactor::encodedForms(utf8);
    // Case variants of an address as people type it.
    if (value.contains(QLatin1Char('@'))) {
        forms.append(value.toLower().toUtf8());
        forms.append(QUrl::toPercentEncoding(value.toLower()));
    }
    for (const QByteArray &f : std::as_const(forms)) {
        if (f.size() < 4)
            continue;
        m_forms[prefix4(f.constData())].append({f, placeholder, f.size() < kBoundaryBelow || kind == Kind::IpAddress});
    }
}

void PersonalDataMasker::learnFromText(const QString &text)
{
    if (text.isEmpty())
        return;
    for (auto it = emailPattern().globalMatch(text); it.hasNext();)
        addKnown(Kind::Email, it.next().captured());
    for (auto it = percentEmailPattern().globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const QString local = QString::fromUtf8(QByteArray::fromPercentEncoding(m.captured(1).toLatin1()));
        addKnown(Kind::Email, local + QLatin1Char('@') + m.captured(2));
    }
    for (auto it = userIdPattern().globalMatch(text); it.hasNext();)
        addKnown(Kind::UserId, it.next().captured());
    for (auto it = ipv4Pattern().globalMatch(text); it.hasNext();) {
        const QString candidate = it.next().captured();
        if (isMaskableIp(candidate))
            addKnown(Kind::IpAddress, candidate);
    }
    if (text.contains(QLatin1Char(':'))) {
        for (auto it = ipv6Pattern().globalMatch(text); it.hasNext();) {
            const QString candidate = it.next().captured();
            if (candidate.count(QLatin1Char(':')) >= 2 && QHostAddress(candidate).protocol() == QAbstractSocket::IPv6Protocol
                && isMaskableIp(candidate))
                addKnown(Kind::IpAddress, candidate);
        }
    }
}

void PersonalDataMasker::learnFromJsonValue(const QJsonValue &value, const QString &key, bool userObject)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        // A user as the Server API returns it ({"id", "userName"}), or WebAuthn's user entity.
        const bool isUser = userObject || o.contains(QLatin1String("userName")) || key == QLatin1String("user");
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString k = it.key();
            const QJsonValue v = it.value();
            if (v.isString()) {
                const QString s = v.toString();
                if (k == QLatin1String("userName") || k == QLatin1String("displayName") || k == QLatin1String("email")
                    || (isUser && k == QLatin1String("name")))
                    addKnown(Kind::UserName, s);
                else if (k == QLatin1String("userId") || k == QLatin1String("sub") || (isUser && k == QLatin1String("id")))
                    addKnown(Kind::UserId, s);
            } else {
                learnFromJsonValue(v, k, false);
            }
        }
    } else if (value.isArray()) {
        const QJsonArray a = value.toArray();
        for (const QJsonValue &v : a)
            learnFromJsonValue(v, key, userObject);
    }
}

void PersonalDataMasker::learnFromJson(const QByteArray &json)
{
    const QByteArray trimmed = json.trimmed();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
        return;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed);
    if (doc.isObject())
        learnFromJsonValue(doc.object(), {}, false);
    else if (doc.isArray())
        learnFromJsonValue(doc.array(), {}, false);
}

void PersonalDataMasker::learnFromExchange(const Exchange &exchange)
{
    const QUrl url(exchange.url);
    const QString path = url.path(QUrl::FullyDecoded);
    // GET /user/{userId}: the segment after /user/ names a user, whatever PlainKey's ID format.
    static const QRegularExpression userSegment(QStringLiteral(R"re(/user/([^/]+))re"));
    const auto m = userSegment.match(path);
    if (m.hasMatch()) {
        const QString segment = m.captured(1);
        static const QStringList notIds{QStringLiteral("bulk"), QStringLiteral("credential"), QStringLiteral("register")};
        if (!notIds.contains(segment) && !segment.startsWith(QLatin1String("[redacted")))
            addKnown(Kind::UserId, segment);
    }
    const QUrlQuery query(url);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded)) {
        if (item.first == QLatin1String("userName"))
            addKnown(Kind::UserName, item.second);
        else if (item.first == QLatin1String("userId"))
            addKnown(Kind::UserId, item.second);
    }
    learnFromJson(exchange.requestBody);
    if (isUserPath(path)) {
        // The answer of GET/POST/PATCH /user is the user itself, named or not.
        const QJsonDocument doc = QJsonDocument::fromJson(exchange.responseBody);
        if (doc.isObject())
            learnFromJsonValue(doc.object(), {}, true);
        else if (doc.isArray())
            learnFromJsonValue(doc.array(), {}, true);
    } else {
        learnFromJson(exchange.responseBody);
    }
}

QByteArray PersonalDataMasker::maskBytes(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return bytes;
    // Latin-1: one character per byte, so positions match and every other byte survives.
    if (bytes.size() <= kMaxPatternBytes)
        learnFromText(QString::fromLatin1(bytes));

    struct Match
    {
        qsizetype start;
        qsizetype end;
        const QByteArray *placeholder;
    };
    QList<Match> matches;
    const char *data = bytes.constData();
    const qsizetype size = bytes.size();
    const auto boundaryOk = [&](qsizetype start, qsizetype end) {
        return (start == 0 || !isWordByte(data[start - 1])) && (end >= size || !isWordByte(data[end]));
    };
    if (!m_forms.isEmpty()) {
        for (qsizetype i = 0; i + 4 <= size; ++i) {
            const auto it = m_forms.constFind(prefix4(data + i));
            if (it == m_forms.constEnd())
                continue;
            for (const Form &f : *it) {
                const qsizetype end = i + f.text.size();
                if (end <= size && std::memcmp(data + i, f.text.constData(), size_t(f.text.size())) == 0
                    && (!f.needsBoundary || boundaryOk(i, end)))
                    matches.append({i, end, &f.placeholder});
            }
        }
    }
    for (const Form &f : std::as_const(m_shortForms)) {
        for (qsizetype at = bytes.indexOf(f.text); at >= 0; at = bytes.indexOf(f.text, at + 1)) {
            if (!f.needsBoundary || boundaryOk(at, at + f.text.size()))
                matches.append({at, at + f.text.size(), &f.placeholder});
        }
    }
    if (matches.isEmpty())
        return bytes;

    // Overlapping matches (a name inside an address, two forms of one value) become one
    // placeholder over their union, the longest match's: nothing of either stays in clear.
    std::sort(matches.begin(), matches.end(), [](const Match &a, const Match &b) {
        return a.start < b.start || (a.start == b.start && a.end > b.end);
    });
    QByteArray out;
    out.reserve(size);
    qsizetype pos = 0;
    qsizetype i = 0;
    while (i < matches.size()) {
        qsizetype start = matches[i].start;
        qsizetype end = matches[i].end;
        const Match *longest = &matches[i];
        for (++i; i < matches.size() && matches[i].start < end; ++i) {
            if (matches[i].end - matches[i].start > longest->end - longest->start)
                longest = &matches[i];
            end = std::max(end, matches[i].end);
        }
        out.append(data + pos, start - pos);
        out += *longest->placeholder;
        pos = end;
    }
    out.append(data + pos, size - pos);
    return out;
}

QString PersonalDataMasker::maskText(const QString &text)
{
    if (text.isEmpty())
        return text;
    return QString::fromUtf8(maskBytes(text.toUtf8()));
}

QByteArray PersonalDataMasker::maskBody(const QByteArray &body)
{
    learnFromJson(body);
    return maskBytes(body);
}

HttpHeaders PersonalDataMasker::maskHeaders(const HttpHeaders &headers)
{
    HttpHeaders out;
    out.reserve(headers.size());
    for (const auto &h : headers)
        out.append({maskBytes(h.first), maskBytes(h.second)});
    return out;
}

Exchange PersonalDataMasker::maskExchange(const Exchange &exchange)
{
    learnFromExchange(exchange);
    Exchange out = exchange;
    out.operation = maskText(exchange.operation);
    out.url = maskText(exchange.url);
    out.requestHeaders = maskHeaders(exchange.requestHeaders);
    out.requestBody = maskBytes(exchange.requestBody);
    out.reasonPhrase = maskBytes(exchange.reasonPhrase);
    out.responseHeaders = maskHeaders(exchange.responseHeaders);
    out.responseBody = maskBytes(exchange.responseBody);
    out.errorText = maskText(exchange.errorText);
    out.redirectUrl = maskText(exchange.redirectUrl);
    return out;
}

} // namespace plainkey
