from odoo import Command, fields

from odoo.addons.crm_lifecycle.tests.common_pool import PoolCase


class BenefitCase(PoolCase):
    """Invoices, credit notes and payments in the company currency, for the benefit index and
    the pool integration tests (no taxes: amounts are read as written)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.service = cls.env["product.product"].create(
            {"name": "Benefit Consulting Day", "type": "service", "list_price": 100.0, "taxes_id": False}
        )
        cls.bank_journal = cls.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", cls.company.id)], limit=1
        )

    @classmethod
    def invoice(cls, partner, date, lines, due=None, move_type="out_invoice", reversed_entry=None):
        """Post a customer invoice (or credit note) of ``lines``: (quantity, price, discount %)."""
        values = {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": date,
            "date": date,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": cls.service.id,
                        "quantity": quantity,
                        "price_unit": price,
                        "discount": discount,
                        "tax_ids": [Command.clear()],
                    }
                )
                for quantity, price, discount in lines
            ],
        }
        if due:
            values["invoice_date_due"] = due
        if reversed_entry:
            values["reversed_entry_id"] = reversed_entry.id
        move = cls.env["account.move"].create(values)
        move.action_post()
        return move

    @classmethod
    def pay(cls, invoices, date):
        """Register the full payment of ``invoices`` on ``date`` (reconciled with them)."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"payment_date": fields.Date.to_date(date), "journal_id": cls.bank_journal.id})
        )
        return wizard._create_payments()
