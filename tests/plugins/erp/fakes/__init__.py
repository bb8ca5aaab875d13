"""Local fake ERP servers speaking the documented wire formats (Kingdee K3 Cloud, Odoo)."""
