#pragma once

#include "core/users/passkey.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

class QTimer;

namespace plainkey::gui {

//! A user's passkeys as a table: label, authenticator, device type, backed up, transports,
//! created, last used, counter. Times show relative and absolute and refresh every minute.
class PasskeyTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Label, Authenticator, DeviceType, BackedUp, Transports, Created, LastUsed, Counter, ColumnCount };
    enum Role {
        PasskeyIdRole = Qt::UserRole + 1, //!< QString: the passkey ID
        SortRole,                         //!< a value that sorts the column correctly
    };

    explicit PasskeyTableModel(QObject *parent = nullptr);

    void setPasskeys(const QList<Passkey> &passkeys);
    const QList<Passkey> &passkeys() const { return m_passkeys; }
    //! The row of the passkey with \a id, or -1.
    int rowOf(const QString &id) const;
    const Passkey *passkeyAt(int row) const;
    void setLabel(const QString &id, const std::optional<QString> &label);
    void remove(const QString &id);
    void clear() { setPasskeys({}); }

    //! The clock used for relative times; tests set a fixed one.
    void setNow(const QDateTime &now);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QDateTime now() const;
    void refreshTimes();

    QList<Passkey> m_passkeys;
    QDateTime m_fixedNow;
    QTimer *m_refresh;
};

} // namespace plainkey::gui
