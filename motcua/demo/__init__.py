"""The demo province: Tỉnh Đắk Nông in 2024, as seed plan 000 describes it (docs/demo.md)."""
