#pragma once

#include <QWidget>

namespace plainkey {
class PlainKeyClient;
}

namespace plainkey::gui {

//! The Users tab: find a user, read and change their passkeys.
class UsersPanel : public QWidget
{
    Q_OBJECT
public:
    explicit UsersPanel(PlainKeyClient *client, QWidget *parent = nullptr);
    ~UsersPanel() override;

public slots:
    //! Looks up and shows the user with this ID (e.g. from a verified token).
    void showUser(const QString &userId);
    //! Against a production profile, destructive actions stay locked until unlocked for the session.
    void setProductionProfile(bool production);

signals:
    //! A message for the main window's status bar.
    void statusMessage(const QString &text, int timeoutMs);
};

} // namespace plainkey::gui
