#include "users/userspanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace plainkey::gui {

// Placeholder until the Users issue lands: keeps the interface the main window uses.
UsersPanel::UsersPanel(PlainKeyClient *client, QWidget *parent) : QWidget(parent)
{
    Q_UNUSED(client)
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Users and passkeys are not available yet."), this));
}

UsersPanel::~UsersPanel() = default;

void UsersPanel::showUser(const QString &userId)
{
    Q_UNUSED(userId)
}

void UsersPanel::setProductionProfile(bool production)
{
    Q_UNUSED(production)
}

} // namespace plainkey::gui
