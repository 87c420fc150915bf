"""Procedure names of the demo catalogue, by field (lĩnh vực), and Vietnamese person names.

The names follow the national procedure database's wording; where a unit needs more
procedures than listed, :func:`expand` adds the usual "cấp lại / cấp sửa đổi, bổ sung /
gia hạn" variants of its "Cấp …" procedures, as real catalogues do.
"""

from __future__ import annotations

FIELDS: dict[str, str] = {
    "CT-LT": "Lưu thông hàng hóa trong nước",
    "CT-TM": "Xúc tiến thương mại",
    "CT-DL": "Điện lực",
    "CT-HC": "Hóa chất, vật liệu nổ công nghiệp",
    "GD-DT": "Giáo dục và Đào tạo",
    "GT-DB": "Đường bộ",
    "GT-DTND": "Đường thủy nội địa",
    "KH-CN": "Hoạt động khoa học và công nghệ",
    "KH-DN": "Thành lập và hoạt động của doanh nghiệp",
    "KH-DT": "Đầu tư tại Việt Nam",
    "LD-VL": "Việc làm",
    "LD-NCC": "Người có công",
    "LD-BTXH": "Bảo trợ xã hội",
    "NN-TT": "Trồng trọt và bảo vệ thực vật",
    "NN-TY": "Thú y",
    "NN-LN": "Lâm nghiệp",
    "NN-TL": "Thủy lợi",
    "NV-TC": "Tổ chức phi chính phủ",
    "NV-TG": "Tôn giáo",
    "NV-TDKT": "Thi đua, khen thưởng",
    "TC-GC": "Quản lý công sản",
    "TN-DD": "Đất đai",
    "TN-MT": "Môi trường",
    "TN-TNN": "Tài nguyên nước",
    "TN-KS": "Địa chất và khoáng sản",
    "TP-LLTP": "Lý lịch tư pháp",
    "TP-CC": "Công chứng",
    "TP-HT": "Hộ tịch",
    "TP-CT": "Chứng thực",
    "TP-QT": "Quốc tịch",
    "TT-BC": "Báo chí, xuất bản",
    "TT-VT": "Viễn thông và Internet",
    "VH-DL": "Du lịch",
    "VH-VH": "Văn hóa",
    "VH-TT": "Thể dục thể thao",
    "XD-XD": "Hoạt động xây dựng",
    "XD-QH": "Quy hoạch xây dựng",
    "YT-KCB": "Khám bệnh, chữa bệnh",
    "YT-D": "Dược phẩm",
    "YT-ATTP": "An toàn thực phẩm và dinh dưỡng",
    "HKD": "Thành lập và hoạt động của hộ kinh doanh",
    "BTXH": "Bảo trợ xã hội",
    "GD": "Giáo dục và Đào tạo",
    "XD": "Hoạt động xây dựng",
    "DD": "Đất đai",
    "HT": "Hộ tịch",
    "CTH": "Chứng thực",
    "VH": "Văn hóa cơ sở",
    "TDKT": "Thi đua, khen thưởng",
    "NCC": "Người có công",
}

Names = tuple[tuple[str, tuple[str, ...]], ...]

AGENCY_PROCEDURES: dict[str, Names] = {
    "H67.01": (
        (
            "CT-LT",
            (
                "Cấp Giấy phép bán buôn sản phẩm rượu trên địa bàn tỉnh",
                "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
                "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
                "Cấp Giấy phép bán buôn sản phẩm thuốc lá",
                "Cấp Giấy chứng nhận đủ điều kiện thương nhân kinh doanh mua bán LPG",
                "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán LPG chai",
            ),
        ),
        (
            "CT-TM",
            (
                "Thông báo thực hiện khuyến mại",
                "Đăng ký thực hiện khuyến mại theo hình thức mang tính may rủi",
                "Thông báo sửa đổi, bổ sung nội dung chương trình khuyến mại",
                "Đăng ký tổ chức hội chợ, triển lãm thương mại tại Việt Nam",
            ),
        ),
        ("CT-DL", ("Cấp Giấy phép hoạt động phát điện đối với nhà máy có quy mô dưới 3MW",)),
        ("CT-HC", ("Cấp Giấy chứng nhận huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",)),
    ),
    "H67.02": (
        (
            "GD-DT",
            (
                "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
                "Chỉnh sửa nội dung văn bằng, chứng chỉ",
                "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp",
                "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm",
                "Cho phép trung tâm ngoại ngữ, tin học hoạt động giáo dục",
                "Thành lập trường trung học phổ thông tư thục",
                "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
                "Xác nhận hoạt động giáo dục kỹ năng sống",
                "Chuyển trường đối với học sinh trung học phổ thông",
                "Tiếp nhận đối tượng học bổ túc trung học phổ thông",
                "Đăng ký dự thi tốt nghiệp trung học phổ thông",
            ),
        ),
    ),
    "H67.03": (
        (
            "GT-DB",
            (
                "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp",
                "Cấp lại giấy phép lái xe",
                "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô",
                "Cấp phù hiệu xe ô tô kinh doanh vận tải",
                "Cấp Giấy phép xe tập lái",
                "Cấp Giấy phép đào tạo lái xe ô tô",
                "Cấp Giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn trên đường bộ",
                "Cấp Giấy phép thi công công trình đường bộ trên quốc lộ đang khai thác",
                "Cấp Giấy chứng nhận giáo viên dạy thực hành lái xe",
                "Cấp Giấy phép liên vận Việt - Lào cho phương tiện",
                "Cấp Giấy phép vận tải qua biên giới Campuchia - Lào - Việt Nam",
                "Đăng ký khai thác tuyến vận tải hành khách cố định bằng xe ô tô",
                "Công bố đưa bến xe khách vào khai thác",
                "Chấp thuận xây dựng công trình thiết yếu trong phạm vi bảo vệ kết cấu hạ tầng",
                "Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp",
                "Đổi giấy phép lái xe do ngành Công an cấp",
                "Đổi giấy phép lái xe hoặc bằng lái xe của nước ngoài cấp",
            ),
        ),
        ("GT-DTND", ("Cấp Giấy chứng nhận khả năng chuyên môn thuyền trưởng hạng tư",)),
    ),
    "H67.04": (
        (
            "KH-CN",
            (
                "Cấp Giấy chứng nhận đăng ký hoạt động khoa học và công nghệ",
                "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ",
                "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ",
                "Cấp Giấy phép tiến hành công việc bức xạ sử dụng thiết bị X-quang chẩn đoán",
                "Cấp chứng chỉ nhân viên bức xạ",
                "Đăng ký công bố hợp chuẩn dựa trên kết quả tự đánh giá",
                "Xét tiếp nhận hồ sơ đăng ký tham dự giải thưởng chất lượng quốc gia",
            ),
        ),
    ),
    "H67.05": (
        (
            "KH-DN",
            tuple(
                f"{action} {kind}"
                for action in (
                    "Đăng ký thành lập",
                    "Đăng ký thay đổi người đại diện theo pháp luật của",
                    "Đăng ký thay đổi vốn điều lệ của",
                    "Đăng ký thay đổi địa chỉ trụ sở chính của",
                    "Thông báo thay đổi ngành, nghề kinh doanh của",
                    "Thông báo tạm ngừng kinh doanh của",
                    "Giải thể",
                    "Đăng ký hoạt động chi nhánh, văn phòng đại diện của",
                    "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp của",
                )
                for kind in (
                    "doanh nghiệp tư nhân",
                    "công ty trách nhiệm hữu hạn một thành viên",
                    "công ty trách nhiệm hữu hạn hai thành viên trở lên",
                    "công ty cổ phần",
                    "công ty hợp danh",
                )
            ),
        ),
        (
            "KH-DT",
            (
                "Quyết định chủ trương đầu tư của UBND cấp tỉnh",
                "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án không thuộc diện chấp "
                "thuận chủ trương đầu tư",
            ),
        ),
    ),
    "H67.06": (
        (
            "LD-VL",
            (
                "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
                "Cấp Giấy phép hoạt động dịch vụ việc làm của doanh nghiệp",
                "Cấp Giấy phép hoạt động cho thuê lại lao động",
                "Xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động",
                "Đăng ký nội quy lao động của doanh nghiệp",
            ),
        ),
        (
            "LD-NCC",
            (
                "Giải quyết chế độ trợ cấp một lần đối với thân nhân người hoạt động kháng chiến",
                "Cấp trích lục hoặc sao hồ sơ người có công với cách mạng",
                "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú",
                "Cấp Giấy chứng nhận thương binh và trợ cấp hằng tháng",
            ),
        ),
        (
            "LD-BTXH",
            (
                "Cấp giấy chứng nhận đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập",
                "Cấp giấy phép hoạt động đối với cơ sở trợ giúp xã hội",
                "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở",
            ),
        ),
    ),
    "H67.07": (
        (
            "NN-TT",
            (
                "Cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật",
                "Cấp Giấy chứng nhận đủ điều kiện buôn bán phân bón",
                "Cấp Giấy chứng nhận đủ điều kiện sản xuất phân bón",
                "Cấp mã số vùng trồng",
                "Cấp Giấy chứng nhận kiểm dịch thực vật nội địa",
                "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản",
                "Cấp Giấy xác nhận nội dung quảng cáo thuốc bảo vệ thực vật",
                "Cấp Giấy chứng nhận đủ điều kiện sản xuất, kinh doanh giống cây trồng",
                "Cấp Giấy phép vận chuyển thuốc bảo vệ thực vật",
            ),
        ),
        (
            "NN-TY",
            (
                "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật vận chuyển ra khỏi tỉnh",
                "Cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc thú y",
                "Cấp Chứng chỉ hành nghề thú y",
                "Cấp Giấy chứng nhận cơ sở an toàn dịch bệnh động vật",
                "Cấp Giấy chứng nhận đủ điều kiện vệ sinh thú y",
            ),
        ),
        (
            "NN-LN",
            (
                "Cấp Giấy phép khai thác gỗ rừng trồng",
                "Phê duyệt phương án quản lý rừng bền vững của chủ rừng là tổ chức",
                "Cấp mã số cơ sở trồng cây lâm nghiệp",
                "Xác nhận bảng kê lâm sản",
                "Cấp Giấy chứng nhận đăng ký trại nuôi sinh trưởng động vật hoang dã",
                "Cấp Giấy chứng nhận đăng ký cơ sở trồng cấy nhân tạo thực vật hoang dã",
            ),
        ),
        (
            "NN-TL",
            (
                "Cấp Giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi",
                "Cấp Giấy phép xả nước thải vào công trình thủy lợi",
            ),
        ),
    ),
    "H67.08": (
        (
            "NV-TC",
            (
                "Công nhận ban vận động thành lập hội",
                "Phê duyệt điều lệ hội",
                "Thành lập hội có phạm vi hoạt động trong tỉnh",
                "Cho phép hội đặt văn phòng đại diện",
                "Công nhận quỹ đủ điều kiện hoạt động và công nhận thành viên hội đồng quản lý quỹ",
            ),
        ),
        (
            "NV-TG",
            (
                "Đăng ký sinh hoạt tôn giáo tập trung",
                "Đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo",
                "Thông báo người được phong phẩm hoặc suy cử làm chức sắc",
                "Đăng ký mở lớp bồi dưỡng về tôn giáo",
            ),
        ),
        (
            "NV-TDKT",
            (
                "Tặng Bằng khen của Chủ tịch UBND tỉnh",
                "Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh",
                "Tặng Cờ thi đua của UBND tỉnh",
                "Tặng Bằng khen cấp tỉnh theo đợt hoặc chuyên đề",
                "Thi tuyển công chức",
                "Xét tuyển viên chức",
                "Tiếp nhận vào làm công chức",
            ),
        ),
    ),
    "H67.09": (
        (
            "TC-GC",
            (
                "Cấp mã số đơn vị có quan hệ với ngân sách",
                "Đăng ký giá tài sản, hàng hóa dịch vụ",
                "Kê khai giá hàng hóa, dịch vụ",
                "Quyết định giá thuộc thẩm quyền của cấp tỉnh",
            ),
        ),
    ),
    "H67.10": (
        (
            "TN-DD",
            (
                "Cấp Giấy chứng nhận quyền sử dụng đất cho tổ chức",
                "Đăng ký biến động quyền sử dụng đất đối với tổ chức",
                "Giao đất, cho thuê đất không thông qua đấu giá quyền sử dụng đất",
                "Chuyển mục đích sử dụng đất phải được phép của cơ quan nhà nước có thẩm quyền",
                "Gia hạn sử dụng đất ngoài khu công nghệ cao, khu kinh tế",
                "Cung cấp dữ liệu đất đai",
                "Thẩm định nhu cầu sử dụng đất để xem xét giao đất, cho thuê đất",
            ),
        ),
        (
            "TN-MT",
            (
                "Cấp giấy phép môi trường",
                "Thẩm định báo cáo đánh giá tác động môi trường",
                "Cấp Giấy phép xử lý chất thải nguy hại",
                "Cấp Giấy xác nhận hoàn thành phương án cải tạo phục hồi môi trường",
                "Đăng ký môi trường",
            ),
        ),
        (
            "TN-TNN",
            (
                "Cấp Giấy phép khai thác, sử dụng nước dưới đất",
                "Cấp Giấy phép khai thác, sử dụng nước mặt",
                "Cấp Giấy phép thăm dò nước dưới đất",
                "Cấp Giấy phép hành nghề khoan nước dưới đất quy mô vừa và nhỏ",
            ),
        ),
        (
            "TN-KS",
            (
                "Cấp Giấy phép thăm dò khoáng sản",
                "Cấp Giấy phép khai thác khoáng sản",
                "Đóng cửa mỏ khoáng sản",
            ),
        ),
    ),
    "H67.11": (
        (
            "TP-LLTP",
            (
                "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú",
                "Cấp Phiếu lý lịch tư pháp cho cơ quan nhà nước, tổ chức chính trị, "
                "tổ chức chính trị - xã hội",
            ),
        ),
        (
            "TP-CC",
            (
                "Đăng ký hành nghề và cấp Thẻ công chứng viên",
                "Thành lập Văn phòng công chứng",
                "Đăng ký hoạt động Văn phòng công chứng",
                "Cấp Thẻ tư vấn viên pháp luật",
                "Cấp Giấy đăng ký hoạt động của tổ chức hành nghề luật sư",
            ),
        ),
        (
            "TP-QT",
            (
                "Thủ tục xin nhập quốc tịch Việt Nam",
                "Thủ tục xin thôi quốc tịch Việt Nam",
                "Thủ tục cấp Giấy xác nhận có quốc tịch Việt Nam",
                "Thủ tục cấp Giấy xác nhận là người gốc Việt Nam",
            ),
        ),
        (
            "TP-CT",
            (
                "Cấp Giấy chứng nhận đăng ký hoạt động Trung tâm trọng tài thương mại",
                "Đăng ký hoạt động của Trung tâm hòa giải thương mại",
                "Cấp Thẻ đấu giá viên",
            ),
        ),
    ),
    "H67.12": (
        (
            "TT-BC",
            (
                "Cấp giấy phép xuất bản bản tin",
                "Cấp giấy phép hoạt động in",
                "Đăng ký hoạt động cơ sở in",
                "Cấp giấy phép nhập khẩu xuất bản phẩm không kinh doanh",
                "Cấp giấy phép tổ chức triển lãm, hội chợ xuất bản phẩm",
                "Cấp giấy phép thiết lập trang thông tin điện tử tổng hợp",
            ),
        ),
        (
            "TT-VT",
            (
                "Cấp Giấy chứng nhận đủ điều kiện hoạt động điểm cung cấp dịch vụ trò chơi "
                "điện tử công cộng",
                "Cấp giấy phép bưu chính",
                "Xác nhận thông báo hoạt động bưu chính",
                "Thông báo thay đổi chủ sở hữu, địa chỉ trụ sở của trang thông tin điện tử",
            ),
        ),
    ),
    "H67.13": (
        (
            "VH-DL",
            (
                "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa",
                "Công nhận hạng cơ sở lưu trú du lịch",
                "Cấp thẻ hướng dẫn viên du lịch tại điểm",
            ),
        ),
        (
            "VH-VH",
            (
                "Cấp Giấy phép tổ chức lễ hội",
                "Cấp giấy phép triển lãm mỹ thuật",
                "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dịch vụ karaoke",
            ),
        ),
        ("VH-TT", ("Cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao",)),
    ),
    "H67.14": (
        (
            "XD-XD",
            (
                "Cấp giấy phép xây dựng mới đối với công trình cấp II, cấp III",
                "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III",
                "Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III",
                "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng",
                "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở",
                "Kiểm tra công tác nghiệm thu hoàn thành công trình",
                "Cấp giấy phép di dời công trình",
            ),
        ),
        (
            "XD-QH",
            (
                "Cung cấp thông tin về quy hoạch xây dựng",
                "Thẩm định nhiệm vụ quy hoạch chi tiết xây dựng",
                "Cấp giấy phép quy hoạch dự án đầu tư xây dựng",
            ),
        ),
    ),
    "H67.15": (
        (
            "YT-KCB",
            (
                "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
                "Cấp giấy phép hoạt động đối với phòng khám đa khoa",
                "Cấp giấy phép hoạt động đối với phòng khám chuyên khoa",
                "Cấp giấy phép hoạt động đối với phòng chẩn trị y học cổ truyền",
                "Cấp giấy phép hoạt động đối với cơ sở dịch vụ y tế",
                "Cấp giấy chứng nhận sức khỏe cho người lái xe",
            ),
        ),
        (
            "YT-D",
            (
                "Cấp Chứng chỉ hành nghề dược",
                "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược đối với nhà thuốc",
                "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược đối với quầy thuốc",
                "Cấp Giấy xác nhận nội dung quảng cáo thuốc",
                "Cấp Giấy chứng nhận đạt thực hành tốt cơ sở bán lẻ thuốc",
            ),
        ),
        (
            "YT-ATTP",
            (
                "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                "Cấp Giấy xác nhận nội dung quảng cáo thực phẩm",
                "Đăng ký bản công bố sản phẩm thực phẩm",
            ),
        ),
    ),
}

DISTRICT_PROCEDURES: Names = (
    (
        "DD",
        (
            "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
            "Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế",
            "Chuyển mục đích sử dụng đất phải được phép đối với hộ gia đình, cá nhân",
            "Tách thửa hoặc hợp thửa đất",
            "Cấp đổi Giấy chứng nhận quyền sử dụng đất",
            "Đính chính Giấy chứng nhận đã cấp",
            "Xóa đăng ký cho thuê, cho thuê lại quyền sử dụng đất",
            "Đăng ký thế chấp quyền sử dụng đất",
            "Xóa đăng ký thế chấp quyền sử dụng đất",
            "Gia hạn sử dụng đất nông nghiệp của hộ gia đình, cá nhân",
            "Cung cấp thông tin, dữ liệu đất đai",
            "Giao đất, cho thuê đất cho hộ gia đình, cá nhân",
            "Thu hồi đất do người sử dụng đất tự nguyện trả lại đất",
        ),
    ),
    (
        "HKD",
        (
            "Đăng ký thành lập hộ kinh doanh",
            "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
            "Tạm ngừng hoạt động hộ kinh doanh",
            "Chấm dứt hoạt động hộ kinh doanh",
            "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh",
            "Cấp Giấy phép bán lẻ rượu",
            "Cấp Giấy phép bán lẻ sản phẩm thuốc lá",
            "Cấp Giấy chứng nhận đủ điều kiện cửa hàng bán lẻ LPG chai",
            "Cấp Giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh",
            "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        ),
    ),
    (
        "XD",
        (
            "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với nhà ở riêng lẻ",
            "Cấp giấy phép xây dựng có thời hạn",
            "Cấp giấy phép di dời công trình",
            "Thẩm định báo cáo kinh tế - kỹ thuật đầu tư xây dựng",
            "Cấp giấy phép xây dựng công trình không theo tuyến",
        ),
    ),
    (
        "HT",
        (
            "Đăng ký khai sinh có yếu tố nước ngoài",
            "Đăng ký kết hôn có yếu tố nước ngoài",
            "Đăng ký khai tử có yếu tố nước ngoài",
            "Thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc",
            "Ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết "
            "tại cơ quan có thẩm quyền của nước ngoài",
            "Đăng ký nhận cha, mẹ, con có yếu tố nước ngoài",
        ),
    ),
    (
        "CTH",
        (
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
            "của nước ngoài cấp",
            "Chứng thực chữ ký người dịch",
            "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản",
        ),
    ),
    (
        "GD",
        (
            "Thành lập trường tiểu học công lập",
            "Cho phép trường trung học cơ sở hoạt động giáo dục",
            "Chuyển trường đối với học sinh trung học cơ sở",
            "Cấp giấy phép tổ chức hoạt động dạy thêm, học thêm cấp trung học cơ sở",
            "Công nhận xã đạt chuẩn phổ cập giáo dục, xóa mù chữ",
        ),
    ),
    (
        "BTXH",
        (
            "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hàng tháng",
            "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
            "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm",
            "Đăng ký thành lập cơ sở trợ giúp xã hội ngoài công lập thuộc cấp huyện",
        ),
    ),
    (
        "VH",
        (
            "Cấp Giấy phép kinh doanh karaoke",
            "Thông báo tổ chức lễ hội cấp huyện",
            "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dịch vụ thể thao",
        ),
    ),
    ("TDKT", ("Tặng Giấy khen của Chủ tịch UBND cấp huyện về thành tích thực hiện nhiệm vụ",)),
)

COMMUNE_PROCEDURES: Names = (
    (
        "HT",
        (
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Đăng ký khai tử",
            "Đăng ký nhận cha, mẹ, con",
            "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
            "Đăng ký lại khai sinh",
            "Đăng ký lại kết hôn",
            "Đăng ký lại khai tử",
            "Đăng ký giám hộ",
            "Đăng ký chấm dứt giám hộ",
            "Cấp Giấy xác nhận tình trạng hôn nhân",
            "Cấp bản sao Trích lục hộ tịch",
            "Thay đổi, cải chính, bổ sung thông tin hộ tịch",
            "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
            "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp "
            "thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
            "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, "
            "hưởng chế độ tử tuất",
            "Đăng ký khai sinh lưu động",
            "Đăng ký kết hôn lưu động",
        ),
    ),
    (
        "CTH",
        (
            "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền "
            "của Việt Nam cấp",
            "Chứng thực chữ ký trong các giấy tờ, văn bản",
            "Chứng thực hợp đồng, giao dịch liên quan đến quyền của người sử dụng đất",
            "Chứng thực di chúc",
            "Chứng thực văn bản thỏa thuận phân chia di sản là quyền sử dụng đất",
            "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
            "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực",
            "Chứng thực văn bản khai nhận di sản",
        ),
    ),
    (
        "BTXH",
        (
            "Xác nhận hộ gia đình làm nông nghiệp, lâm nghiệp có mức sống trung bình",
            "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở",
            "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng",
            "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật",
            "Xác nhận hộ nghèo, hộ cận nghèo",
        ),
    ),
    (
        "NCC",
        (
            "Giải quyết chế độ mai táng phí đối với cựu chiến binh",
            "Xác nhận thương binh, người hưởng chính sách như thương binh",
            "Thăm viếng mộ liệt sĩ",
        ),
    ),
    (
        "DD",
        (
            "Hòa giải tranh chấp đất đai",
            "Xác nhận nguồn gốc, thời điểm sử dụng đất",
            "Đăng ký đất đai lần đầu tại xã",
        ),
    ),
    (
        "VH",
        (
            "Công nhận Gia đình văn hóa",
            "Thông báo tổ chức lễ hội cấp xã",
            "Công nhận câu lạc bộ thể thao cơ sở",
            "Đăng ký hoạt động thư viện tư nhân có vốn sách ban đầu từ 500 bản",
        ),
    ),
    (
        "TDKT",
        (
            "Tặng Giấy khen của Chủ tịch UBND cấp xã về thành tích thực hiện nhiệm vụ",
            "Tặng danh hiệu Lao động tiên tiến",
        ),
    ),
    (
        "GD",
        (
            "Cho phép nhóm trẻ, lớp mẫu giáo độc lập hoạt động",
            "Sáp nhập, chia, tách nhóm trẻ, lớp mẫu giáo độc lập",
            "Cho phép cơ sở giáo dục khác thực hiện chương trình giáo dục tiểu học",
        ),
    ),
)

# The district procedure whose land tax the districts' online payments settle.
LAND_TAX_PROCEDURE = "Đăng ký biến động quyền sử dụng đất do chuyển nhượng, tặng cho, thừa kế"

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Lương",
    "Trịnh",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Kim", "Xuân")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
)
BUSINESSES = (
    "Công ty TNHH Cà phê Đắk Nông",
    "Công ty cổ phần Nông sản Tây Nguyên",
    "Công ty TNHH Xây dựng Gia Nghĩa",
    "Công ty TNHH MTV Vận tải Đắk Mil",
    "Hợp tác xã Nông nghiệp Thuận An",
    "Công ty cổ phần Hồ tiêu Đắk Song",
    "Công ty TNHH Thương mại Krông Nô",
    "Doanh nghiệp tư nhân Xăng dầu Cư Jút",
)

_VARIANTS = ("Cấp lại ", "Cấp sửa đổi, bổ sung ", "Gia hạn ")
# "Cấp <document> …" names that have re-issue variants.
_DOCUMENTS = ("giấy", "chứng", "thẻ", "phiếu", "phù")


def _has_variants(name: str) -> bool:
    words = name.split()
    return len(words) > 1 and words[0] == "Cấp" and words[1].lower() in _DOCUMENTS


def expand(names: Names, count: int) -> list[tuple[str, str]]:
    """``count`` (field, name) pairs: the names, then variants of the "Cấp …" ones."""
    out = [(field, name) for field, group in names for name in group]
    for prefix in _VARIANTS:
        for field, group in names:
            for name in group:
                if len(out) >= count:
                    return out[:count]
                if _has_variants(name):
                    out.append((field, prefix + name[4:]))
    if len(out) < count:
        raise ValueError(f"the name list gives {len(out)} procedures, {count} needed")
    return out[:count]
