from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools.safe_eval import safe_eval

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

NIP_WEIGHTS = (6, 5, 7, 2, 3, 4, 5, 6, 7)


def polish_vats(first, count=1):
    """``count`` Polish VAT numbers ("PL" and a NIP with its check digit), the first nine
    digits counted up from ``first``: base_vat, which every EU localisation installs,
    refuses a NIP whose check digit is wrong (a body whose check would be 10 is skipped)."""
    vats = []
    body = first
    while len(vats) < count:
        digits = f"{body:09d}"
        check = sum(weight * int(digit) for weight, digit in zip(NIP_WEIGHTS, digits, strict=True)) % 11
        if check < 10:
            vats.append(f"PL{digits}{check}")
        body += 1
    return vats


class CrmSuiteCase(TransactionCase):
    """Users of each role of the suite, and checks shared by the three addons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.salesperson = new_test_user(
            cls.env,
            login="crm_salesperson",
            name="Sally Salesperson",
            groups="sales_team.group_sale_salesman",
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="crm_sales_manager",
            name="Mark Manager",
            groups="sales_team.group_sale_manager",
        )
        cls.administrator = new_test_user(
            cls.env,
            login="crm_administrator",
            name="Ada Administrator",
            groups="sales_team.group_sale_manager,base.group_system",
        )

    def assertRoleGroups(self, user_group_xmlid, manager_group_xmlid):
        """Manager implies user; salespeople get the user group, sales managers both."""
        user_group = self.env.ref(user_group_xmlid)
        manager_group = self.env.ref(manager_group_xmlid)
        self.assertIn(user_group, manager_group.trans_implied_ids)
        self.assertIn(user_group, self.env.ref("sales_team.group_sale_salesman").trans_implied_ids)
        self.assertIn(manager_group, self.env.ref("sales_team.group_sale_manager").trans_implied_ids)
        self.assertTrue(self.salesperson.has_group(user_group_xmlid))
        self.assertFalse(self.salesperson.has_group(manager_group_xmlid))
        self.assertTrue(self.sales_manager.has_group(manager_group_xmlid))
        self.assertTrue(self.sales_manager.has_group(user_group_xmlid))
        # a user who becomes a salesperson later follows
        user = self.env["res.users"].create(
            {
                "name": "Late Joiner",
                "login": f"late_{user_group.id}",
                "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        self.assertFalse(user.has_group(user_group_xmlid))
        user.groups_id = [Command.link(self.env.ref("sales_team.group_sale_salesman").id)]
        self.assertTrue(user.has_group(user_group_xmlid))

    def assertMenuOpens(self, user, menu_xmlid):
        """The menu is shown to ``user`` and its action opens every view with data."""
        menu = self.env.ref(menu_xmlid)
        menus = self.env["ir.ui.menu"].with_user(user)
        self.assertIn(menu.id, menus._visible_menu_ids(), f"{menu_xmlid} is hidden from {user.login}")
        self.assertIn(menu.id, menus.load_menus(debug=False), f"{menu_xmlid} not loaded for {user.login}")
        if not menu.action:
            return
        # the web client loads actions as superuser (web/controllers/action.py), then
        # reads the records with the user's rights
        action = menu.action.sudo()._get_action_dict()
        model = self.env[action["res_model"]].with_user(user)
        modes = action["view_mode"].split(",")
        views = model.get_views([(False, mode) for mode in modes])
        self.assertEqual(set(views["views"]), set(modes))
        context = self._eval_action_context(action["context"])
        if action["target"] == "inline" or modes[0] == "form":
            model.check_access("create")  # raises AccessError when the form cannot open
            defaults = model.with_context(**context).default_get(list(model._fields))
            self.assertIsInstance(defaults, dict)
        else:
            result = model.with_context(**context).web_search_read(
                self._eval_domain(action["domain"]), {"display_name": {}}, limit=80
            )
            self.assertIn("records", result)

    def assertMenuHidden(self, user, menu_xmlid):
        menu = self.env.ref(menu_xmlid)
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids())

    def assertSettingsBlock(self, block_name, field_name, value):
        """An administrator finds the block in the settings and saves ``value``."""
        settings_model = self.env["res.config.settings"].with_user(self.administrator)
        arch = settings_model.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn(f'name="{block_name}"', arch)
        with Form(settings_model) as settings:
            setattr(settings, field_name, value)
        # Form saves through create(); the "Save" button runs execute()
        settings_model.search([], order="id desc", limit=1).execute()
        return self.administrator.company_id

    def assertSettingsRefused(self, user):
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(user).create({})

    def _eval_action_context(self, context):
        return safe_eval(context or "{}", {"uid": self.env.uid, "active_id": False})

    def _eval_domain(self, domain):
        return safe_eval(domain or "[]", {"uid": self.env.uid})
